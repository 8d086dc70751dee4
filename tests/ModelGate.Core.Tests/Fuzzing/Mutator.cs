using System.Buffers.Binary;
using System.Text;
using ModelGate.Demo;

namespace ModelGate.Core.Tests.Fuzzing;

/// <summary>
/// Deterministic mutations of an input, in the spirit of AFL's havoc stage: byte-level ones (bit flips, byte
/// insert/delete/duplicate, splice with another input, interesting integers at offsets where length fields live,
/// truncation) and JSON-aware ones aimed at the tokens a <see cref="JsonTokens"/> scan finds (values swapped for
/// other types, huge and edge-case numbers, deep nesting, duplicate, missing and renamed keys, odd Unicode).
/// The same seed gives the same mutations on every machine (<see cref="DeterministicRandom"/>).
/// </summary>
internal sealed class Mutator(IReadOnlyList<string> dictionary, int maxLength)
{
    private static readonly ulong[] InterestingIntegers =
    [
        0, 1, 2, 7, 8, 9, 0x7F, 0x80, 0xFF, 0x100, 0x7FFF, 0x8000, 0xFFFF, 0x10000, 100L * 1024 * 1024, (100L * 1024 * 1024) + 1,
        int.MaxValue, 0x80000000, uint.MaxValue, 0x1_0000_0000, long.MaxValue, 0x8000_0000_0000_0000, ulong.MaxValue,
    ];

    private static readonly string[] InterestingValues =
    [
        "0", "-0", "-1", "1", "2", "8.0", "0.5", "1E2", "-0.0", "1.0000000000000002", "2147483647", "2147483648", "-2147483649",
        "4294967296", "9223372036854775807", "9223372036854775808", "-9223372036854775809", "18446744073709551616",
        "123456789012345678901234567890", "1e308", "1e309", "-1e309", "1e-400", "4.9e-324", "true", "false", "null",
        "\"\"", "\" \"", "\"0\"", "\"8\"", "\"-1\"", "\"\\u0000\"", "\"\\ud800\"", "\"\\udc00x\"", "\"\\ud83d\\ude00\"",
        "\"é中😀\"", "\"\\\"\"", "\"\\\\\"", "\"a\\nb\"", "\"\\r\\n\"", "\"(\"", "\"[\"", "\"*\"", "\"regex:(\"", "\"regex:[\"",
        "\"(?<\"", "\"\\\\p{\"", "\"a{99999999999}\"", "[]", "{}", "[null]", "[-1]", "[1,2,3]", "[[]]", "[\"\"]", "{\"\":null}",
        "NaN", "Infinity", "-Infinity", "undefined", "'x'",
    ];

    private static readonly byte[][] InterestingBytes =
    [
        [0x00], [0xFF], [0x80], [0xC0, 0xAF], [0xED, 0xA0, 0x80], [0xEF, 0xBB, 0xBF], [0xF4, 0x90, 0x80, 0x80], [0xE2, 0x80, 0xA8],
        "\r"u8.ToArray(), "\n"u8.ToArray(), "\r\n"u8.ToArray(), "\t"u8.ToArray(), "\\"u8.ToArray(), "\""u8.ToArray(),
        "/*"u8.ToArray(), "//"u8.ToArray(), ","u8.ToArray(), ":"u8.ToArray(), "{"u8.ToArray(), "}"u8.ToArray(),
        "["u8.ToArray(), "]"u8.ToArray(), "\\u"u8.ToArray(), "\\ud800"u8.ToArray(),
    ];

    private static readonly int[] NestingDepths = [2, 8, 15, 16, 17, 63, 64, 65, 200, 1000, 5000];

    private readonly string[] dictionary = [.. dictionary.Select(k => "\"" + k + "\"").Distinct(StringComparer.Ordinal).Order(StringComparer.Ordinal)];

    /// <summary>One to five stacked mutations of <paramref name="input"/>; <paramref name="other"/> supplies a second input to splice with.</summary>
    public byte[] Mutate(byte[] input, DeterministicRandom random, Func<byte[]> other)
    {
        var result = input;
        var count = 1 + Below(random, 5);
        for (var i = 0; i < count; i++)
        {
            result = Below(random, 3) == 0 ? MutateBytes(result, random, other) : MutateJson(result, random);
            if (result.Length > maxLength)
            {
                result = result[..maxLength];
            }
        }

        return result;
    }

    public byte[] MutateBytes(byte[] input, DeterministicRandom random, Func<byte[]> other)
    {
        if (input.Length == 0)
        {
            return Pick(random, InterestingBytes);
        }

        var at = Below(random, input.Length);
        switch (Below(random, 9))
        {
            case 0:
                var flipped = (byte[])input.Clone();
                flipped[at] ^= (byte)(1 << Below(random, 8));
                return flipped;
            case 1:
                var set = (byte[])input.Clone();
                set[at] = (byte)Below(random, 256);
                return set;
            case 2:
                return Insert(input, at, Pick(random, InterestingBytes));
            case 3:
                var random8 = new byte[1 + Below(random, 8)];
                for (var i = 0; i < random8.Length; i++)
                {
                    random8[i] = (byte)Below(random, 256);
                }

                return Insert(input, at, random8);
            case 4:
                return Replace(input, at, Math.Min(input.Length - at, 1 + Below(random, 16)), []);
            case 5:
                var length = Math.Min(input.Length - at, 1 + Below(random, 64));
                return Insert(input, Below(random, input.Length + 1), input.AsSpan(at, length).ToArray());
            case 6:
                var donor = other();
                var from = donor.Length == 0 ? 0 : Below(random, donor.Length);
                return [.. input.AsSpan(0, at), .. donor.AsSpan(from)];
            case 7:
                return input[..at];
            default:
                // Length fields: the safetensors prefix at offset 0 most of the time, anywhere else now and then.
                var integer = (byte[])input.Clone();
                var width = Pick(random, [1, 2, 4, 8]);
                var offset = Below(random, 2) == 0 ? 0 : at;
                if (offset + width > integer.Length)
                {
                    return integer;
                }

                var value = Below(random, 4) == 0 ? ReadLittleEndian(integer, offset, width) + (ulong)(Below(random, 17) - 8) : Pick(random, InterestingIntegers);
                Span<byte> bytes = stackalloc byte[8];
                BinaryPrimitives.WriteUInt64LittleEndian(bytes, value);
                bytes[..width].CopyTo(integer.AsSpan(offset));
                return integer;
        }
    }

    public byte[] MutateJson(byte[] input, DeterministicRandom random)
    {
        var tokens = JsonTokens.Scan(input);
        var values = JsonTokens.Values(tokens);
        var keys = JsonTokens.Keys(tokens);
        if (values.Count == 0)
        {
            return Insert(input, Below(random, input.Length + 1), Encoding.UTF8.GetBytes(Pick(random, InterestingValues)));
        }

        var v = Pick(random, values);
        var valueStart = tokens[v].Start;
        var valueEnd = tokens[JsonTokens.ValueEnd(tokens, v) - 1].End;
        var value = input.AsSpan(valueStart, valueEnd - valueStart);
        switch (Below(random, 11))
        {
            case 0 or 1:
                return Replace(input, valueStart, value.Length, Encoding.UTF8.GetBytes(Pick(random, InterestingValues)));
            case 2:
                // Swap types: a number becomes a string, a string's text goes bare, anything can be wrapped in a list.
                var text = Encoding.UTF8.GetString(value);
                var swapped = tokens[v].Kind switch
                {
                    JsonTokens.Kind.Number or JsonTokens.Kind.Literal when Below(random, 2) == 0 => "\"" + text + "\"",
                    JsonTokens.Kind.String when Below(random, 2) == 0 => text.Trim('"'),
                    _ => Below(random, 2) == 0 ? "[" + text + "]" : "{\"k\":" + text + "}",
                };
                return Replace(input, valueStart, value.Length, Encoding.UTF8.GetBytes(swapped));
            case 3:
                var depth = Pick(random, NestingDepths);
                var (open, close) = Below(random, 2) == 0 ? ("[", "]") : ("{\"a\":", "}");
                var nested = string.Concat(Enumerable.Repeat(open, depth)) + Encoding.UTF8.GetString(value) + string.Concat(Enumerable.Repeat(close, depth));
                return Replace(input, valueStart, value.Length, Encoding.UTF8.GetBytes(nested));
            case 4:
                // Another value of the same document in this value's place (a shape where the offsets go, and so on).
                var donor = Pick(random, values);
                var donorEnd = tokens[JsonTokens.ValueEnd(tokens, donor) - 1].End;
                return Replace(input, valueStart, value.Length, input.AsSpan(tokens[donor].Start, donorEnd - tokens[donor].Start).ToArray());
            case 5:
                var unicode = Pick(random, InterestingBytes);
                return tokens[v].Kind == JsonTokens.Kind.String && value.Length >= 2
                    ? Insert(input, valueStart + 1 + Below(random, value.Length - 1), unicode)
                    : Insert(input, valueStart, unicode);
            case 6:
                var huge = "\"" + new string((char)('a' + Below(random, 26)), 1 << (4 + Below(random, 10))) + "\"";
                return Replace(input, valueStart, value.Length, Encoding.UTF8.GetBytes(huge));
            case 7 when keys.Count > 0:
                // Duplicate a key (with its value) right after the original.
                var key = Pick(random, keys);
                if (key + 2 >= tokens.Count)
                {
                    return input;
                }

                var end = JsonTokens.ValueEnd(tokens, key + 2);

                var member = input.AsSpan(tokens[key].Start, tokens[end - 1].End - tokens[key].Start);
                return Insert(input, tokens[end - 1].End, [(byte)',', .. member]);
            case 8 when keys.Count > 0:
                // Drop a member, and its comma when there is one.
                var dropped = Pick(random, keys);
                if (dropped + 2 >= tokens.Count)
                {
                    return input;
                }

                var after = JsonTokens.ValueEnd(tokens, dropped + 2);
                var stop = after < tokens.Count && tokens[after].Kind == JsonTokens.Kind.Comma ? tokens[after].End : tokens[after - 1].End;
                return Replace(input, tokens[dropped].Start, stop - tokens[dropped].Start, []);
            case 9 when keys.Count > 0 && dictionary.Length > 0:
                var renamed = Pick(random, keys);
                return Replace(input, tokens[renamed].Start, tokens[renamed].Length, Encoding.UTF8.GetBytes(Pick(random, dictionary)));
            default:
                // A new member from the dictionary after some opening bracket.
                var opens = tokens.Where(t => t.Kind == JsonTokens.Kind.Open && input[t.Start] == '{').ToList();
                if (opens.Count == 0 || dictionary.Length == 0)
                {
                    return Insert(input, valueStart, Encoding.UTF8.GetBytes(Pick(random, InterestingValues) + ","));
                }

                var name = Pick(random, dictionary);
                var added = name + ":" + Pick(random, InterestingValues) + ",";
                return Insert(input, Pick(random, opens).End, Encoding.UTF8.GetBytes(added));
        }
    }

    public static int Below(DeterministicRandom random, int bound) => (int)(random.NextUInt64() % (ulong)bound);

    private static T Pick<T>(DeterministicRandom random, IReadOnlyList<T> items) => items[Below(random, items.Count)];

    private static byte[] Insert(byte[] input, int at, ReadOnlySpan<byte> bytes) => Replace(input, at, 0, bytes);

    private static byte[] Replace(byte[] input, int at, int length, ReadOnlySpan<byte> bytes) =>
        [.. input.AsSpan(0, at), .. bytes, .. input.AsSpan(at + length)];

    private static ulong ReadLittleEndian(byte[] bytes, int offset, int width)
    {
        Span<byte> buffer = stackalloc byte[8];
        buffer.Clear();
        bytes.AsSpan(offset, width).CopyTo(buffer);
        return BinaryPrimitives.ReadUInt64LittleEndian(buffer);
    }
}
