using System.Buffers.Binary;
using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using System.Text.Unicode;
using Microsoft.Win32.SafeHandles;
using ModelGate.Core.Errors;

namespace ModelGate.Core.Tensors;

/// <summary>
/// Reads and validates a safetensors header without mapping the data, so that <see cref="ModelWeights"/> can check every
/// shard up front and map each one only when its bytes are needed. The checks mirror huggingface/safetensors
/// (<c>safetensors/src/tensor.rs</c>): tensors must tile the data section exactly, with no holes and no overlap.
/// Nothing here allocates in proportion to a size the header merely claims: the header buffer is bounded by the
/// real file length, and claimed tensor sizes are only ever compared, never allocated.
/// </summary>
public sealed class SafetensorsHeader
{
    /// <summary>The reference reader's cap is 100 MB; a header this large is already absurd, so the exact figure matters little.</summary>
    public const long MaxHeaderLength = 100L * 1024 * 1024;

    /// <summary>Rank cap, so that a header of one huge shape list cannot make us allocate several times the header's size.</summary>
    public const int MaxRank = 1024;

    public const string MetadataKey = "__metadata__";

    private const int LengthPrefixBytes = 8;

    private string? layoutSha256;

    private SafetensorsHeader(
        string path, IReadOnlyDictionary<string, string> metadata, IReadOnlyList<TensorInfo> tensors, long dataSectionStart, long dataSectionLength)
    {
        Path = path;
        Metadata = metadata;
        Tensors = tensors;
        DataSectionStart = dataSectionStart;
        DataSectionLength = dataSectionLength;
    }

    public string Path { get; }

    public IReadOnlyDictionary<string, string> Metadata { get; }

    /// <summary>In header order.</summary>
    public IReadOnlyList<TensorInfo> Tensors { get; }

    /// <summary>Absolute file offset of the data section (8 + header length).</summary>
    public long DataSectionStart { get; }

    public long DataSectionLength { get; }

    /// <summary>The file's length: the length prefix, the header and the data section.</summary>
    public long FileLength => DataSectionStart + DataSectionLength;

    /// <summary>
    /// SHA-256 (lower-case hex) of what the header says, in a fixed form: every tensor's name, dtype, shape and byte
    /// range in header order, the metadata sorted by key, and where the data section lies. Two files with the same
    /// layout digest and length differ at most in their tensors' values; see <see cref="ShardIdentity"/> for what
    /// that is used for and why it is not a content hash.
    /// </summary>
    public string LayoutSha256 => layoutSha256 ??= ComputeLayoutSha256();

    private string ComputeLayoutSha256()
    {
        var text = new StringBuilder();
        var inv = CultureInfo.InvariantCulture;
        text.Append(inv, $"data {DataSectionStart} {DataSectionLength}\n");
        foreach (var (key, value) in Metadata.OrderBy(m => m.Key, StringComparer.Ordinal))
        {
            text.Append(inv, $"metadata {key.Length}:{key} {value.Length}:{value}\n");
        }

        foreach (var t in Tensors)
        {
            text.Append(inv, $"tensor {t.Name.Length}:{t.Name} {TensorDTypes.Name(t.DType)} [{string.Join(',', t.Shape)}] {t.DataStart} {t.DataEnd}\n");
        }

        return Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(text.ToString())));
    }

    /// <summary>Reads the header from an open file; <paramref name="path"/> must be the full path (it ends up in every <see cref="TensorInfo"/>).</summary>
    public static SafetensorsHeader Read(SafeFileHandle file, string path)
    {
        var fileLength = RandomAccess.GetLength(file);
        if (fileLength < LengthPrefixBytes)
        {
            throw Fail(path, $"file is {fileLength} bytes, shorter than the 8-byte header length prefix; not a safetensors file");
        }

        Span<byte> prefix = stackalloc byte[LengthPrefixBytes];
        ReadExactly(file, prefix, 0, path);
        var headerLength = BinaryPrimitives.ReadUInt64LittleEndian(prefix);
        if (headerLength > MaxHeaderLength)
        {
            // The claimed length is the file's first 8 bytes; for a file that is not safetensors at all (a symlink to
            // /etc/passwd) printing it would echo those bytes, so the message gives the file's length instead.
            throw Fail(path, $"its header length prefix exceeds the {MaxHeaderLength}-byte limit; not a safetensors file or corrupted (the file is {fileLength} bytes)");
        }

        if ((long)headerLength > fileLength - LengthPrefixBytes)
        {
            throw Fail(path, $"header length {headerLength} exceeds the {fileLength - LengthPrefixBytes} bytes after the length prefix; file truncated?");
        }

        var header = new byte[(int)headerLength];
        ReadExactly(file, header, LengthPrefixBytes, path);
        var dataStart = LengthPrefixBytes + (long)headerLength;
        return Parse(header, path, dataStart, fileLength - dataStart);
    }

    internal static SafetensorsHeader Parse(ReadOnlySpan<byte> header, string path, long dataSectionStart, long dataSectionLength)
    {
        // Utf8JsonReader checks UTF-8 only inside strings it is asked to decode; checking up front covers every byte.
        if (!Utf8.IsValid(header))
        {
            throw Fail(path, "header is not valid UTF-8");
        }

        var tensors = new List<TensorInfo>();
        IReadOnlyDictionary<string, string> metadata = new Dictionary<string, string>(StringComparer.Ordinal);
        var keys = new HashSet<string>(StringComparer.Ordinal);
        try
        {
            var reader = new Utf8JsonReader(header, new JsonReaderOptions { MaxDepth = 16 });
            if (!reader.Read() || reader.TokenType != JsonTokenType.StartObject)
            {
                throw Fail(path, "header is not a JSON object");
            }

            while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
            {
                var key = ReadString(ref reader, path);
                if (!keys.Add(key))
                {
                    throw Fail(path, $"header has duplicate key {MessageText.Quote(key)}");
                }

                reader.Read();
                if (key == MetadataKey)
                {
                    metadata = ParseMetadata(ref reader, path);
                }
                else
                {
                    tensors.Add(ParseEntry(ref reader, key, path, dataSectionLength));
                }
            }

            // Reading to the end makes the reader reject anything but whitespace (the writer's padding) after the object.
            while (reader.Read())
            {
            }
        }
        catch (JsonException e)
        {
            throw Fail(path, $"header is not valid JSON: {e.Message}");
        }

        CheckLayout(tensors, path, dataSectionLength);
        return new SafetensorsHeader(path, metadata, tensors, dataSectionStart, dataSectionLength);
    }

    private static Dictionary<string, string> ParseMetadata(ref Utf8JsonReader reader, string path)
    {
        const string Expected = "__metadata__ must be an object mapping strings to strings";
        if (reader.TokenType != JsonTokenType.StartObject)
        {
            throw Fail(path, $"{Expected}, found {Describe(reader.TokenType)}");
        }

        var metadata = new Dictionary<string, string>(StringComparer.Ordinal);
        while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
        {
            var key = ReadString(ref reader, path);
            reader.Read();
            if (reader.TokenType != JsonTokenType.String)
            {
                throw Fail(path, $"{Expected}; {MessageText.Quote(key)} is {Describe(reader.TokenType)}");
            }

            if (!metadata.TryAdd(key, ReadString(ref reader, path)))
            {
                throw Fail(path, $"__metadata__ has duplicate key {MessageText.Quote(key)}");
            }
        }

        return metadata;
    }

    private static TensorInfo ParseEntry(ref Utf8JsonReader reader, string name, string path, long dataSectionLength)
    {
        if (reader.TokenType != JsonTokenType.StartObject)
        {
            throw Fail(path, name, $"entry must be an object with dtype, shape and data_offsets, found {Describe(reader.TokenType)}");
        }

        TensorDType? dtype = null;
        List<long>? shape = null;
        long[]? offsets = null;
        while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
        {
            var field = ReadString(ref reader, path);
            reader.Read();
            switch (field)
            {
                case "dtype" when dtype is null:
                    if (reader.TokenType != JsonTokenType.String)
                    {
                        throw Fail(path, name, $"dtype must be a string, found {Describe(reader.TokenType)}");
                    }

                    var dtypeName = ReadString(ref reader, path);
                    if (!TensorDTypes.TryParse(dtypeName, out var parsed))
                    {
                        throw Fail(path, name, $"unknown dtype {MessageText.Quote(dtypeName)} (expected one of {string.Join(", ", Enum.GetNames<TensorDType>())})");
                    }

                    dtype = parsed;
                    break;
                case "shape" when shape is null:
                    shape = ReadIntegers(ref reader, path, name, "shape must be a list of non-negative integers", MaxRank);
                    break;
                case "data_offsets" when offsets is null:
                    var pair = ReadIntegers(ref reader, path, name, "data_offsets must be a list of two non-negative integers [begin, end]", 2);
                    if (pair.Count != 2)
                    {
                        throw Fail(path, name, $"data_offsets must be a list of two non-negative integers [begin, end], found {pair.Count}");
                    }

                    offsets = [pair[0], pair[1]];
                    break;
                case "dtype" or "shape" or "data_offsets":
                    throw Fail(path, name, $"entry has duplicate field {MessageText.Quote(field)}");
                default:
                    throw Fail(path, name, $"entry has unexpected field {MessageText.Quote(field)} (expected dtype, shape, data_offsets)");
            }
        }

        if (dtype is null || shape is null || offsets is null)
        {
            var missing = new[] { dtype is null ? "dtype" : null, shape is null ? "shape" : null, offsets is null ? "data_offsets" : null };
            throw Fail(path, name, $"entry is missing {string.Join(", ", missing.OfType<string>())}");
        }

        var (begin, end) = (offsets[0], offsets[1]);
        if (begin > end)
        {
            throw Fail(path, name, $"data_offsets [{begin}, {end}] begin after they end");
        }

        long byteLength;
        try
        {
            byteLength = checked(TensorShapes.ElementCount([.. shape]) * TensorDTypes.SizeOf(dtype.Value));
        }
        catch (OverflowException)
        {
            throw Fail(path, name, $"shape {TensorShapes.Format(shape)} of {TensorDTypes.Name(dtype.Value)} overflows a 64-bit byte count");
        }

        if (end - begin != byteLength)
        {
            throw Fail(
                path,
                name,
                $"data_offsets [{begin}, {end}] span {end - begin} bytes but shape {TensorShapes.Format(shape)} of {TensorDTypes.Name(dtype.Value)} needs {byteLength}");
        }

        if (end > dataSectionLength)
        {
            throw Fail(path, name, $"data_offsets [{begin}, {end}] lie outside the {dataSectionLength}-byte data section; file truncated?");
        }

        return new TensorInfo(name, dtype.Value, [.. shape], begin, end, path);
    }

    private static List<long> ReadIntegers(ref Utf8JsonReader reader, string path, string name, string expected, int maxCount)
    {
        if (reader.TokenType != JsonTokenType.StartArray)
        {
            throw Fail(path, name, $"{expected}, found {Describe(reader.TokenType)}");
        }

        var values = new List<long>();
        while (reader.Read() && reader.TokenType != JsonTokenType.EndArray)
        {
            if (reader.TokenType != JsonTokenType.Number || !reader.TryGetInt64(out var value) || value < 0)
            {
                var found = reader.TokenType == JsonTokenType.Number
                    ? Truncate(System.Text.Encoding.UTF8.GetString(reader.ValueSpan))
                    : Describe(reader.TokenType);
                throw Fail(path, name, $"{expected}, found {found}");
            }

            if (values.Count == maxCount)
            {
                throw Fail(path, name, $"{expected}, found more than {maxCount} values");
            }

            values.Add(value);
        }

        return values;
    }

    /// <summary>Same rule as the reference reader: sorted by offset, tensors must tile [0, data length) exactly.</summary>
    private static void CheckLayout(List<TensorInfo> tensors, string path, long dataSectionLength)
    {
        var sorted = tensors.ToArray();
        Array.Sort(sorted, static (a, b) => a.DataStart != b.DataStart ? a.DataStart.CompareTo(b.DataStart) : a.DataEnd.CompareTo(b.DataEnd));
        long expected = 0;
        TensorInfo? previous = null;
        foreach (var tensor in sorted)
        {
            if (tensor.DataStart < expected)
            {
                throw Fail(
                    path,
                    tensor.Name,
                    $"data_offsets [{tensor.DataStart}, {tensor.DataEnd}] overlap tensor {MessageText.Quote(previous!.Name)} [{previous.DataStart}, {previous.DataEnd}]");
            }

            if (tensor.DataStart > expected)
            {
                var after = previous is null ? "the start of the data section" : $"tensor {MessageText.Quote(previous.Name)} ends at {expected}";
                throw Fail(
                    path,
                    tensor.Name,
                    $"data_offsets [{tensor.DataStart}, {tensor.DataEnd}] leave a hole of {tensor.DataStart - expected} bytes after {after}");
            }

            expected = tensor.DataEnd;
            previous = tensor;
        }

        if (expected != dataSectionLength)
        {
            var after = previous is null ? "(the header lists no tensors)" : $"after tensor {MessageText.Quote(previous.Name)} ends at {expected}";
            throw Fail(path, $"data section has {dataSectionLength - expected} trailing bytes that no tensor covers {after}");
        }
    }

    private static void ReadExactly(SafeFileHandle file, Span<byte> buffer, long offset, string path)
    {
        while (!buffer.IsEmpty)
        {
            var read = RandomAccess.Read(file, buffer, offset);
            if (read == 0)
            {
                throw Fail(path, "file ended while reading the header; was it truncated while being read?");
            }

            buffer = buffer[read..];
            offset += read;
        }
    }

    /// <summary>
    /// The header is valid UTF-8 (checked up front), but a <c>\u</c> escape can still name half a surrogate pair,
    /// which the reference reader (serde_json) refuses and which no .NET string can hold as text.
    /// </summary>
    private static string ReadString(ref Utf8JsonReader reader, string path)
    {
        try
        {
            return reader.GetString()!;
        }
        catch (InvalidOperationException)
        {
            throw Fail(path, "header has a \\u escape of half a surrogate pair; not valid text");
        }
    }

    private static string Describe(JsonTokenType token) => token switch
    {
        JsonTokenType.StartObject => "an object",
        JsonTokenType.StartArray => "a list",
        JsonTokenType.String => "a string",
        JsonTokenType.Number => "a number",
        JsonTokenType.True or JsonTokenType.False => "a boolean",
        JsonTokenType.Null => "null",
        _ => token.ToString(),
    };

    private static string Truncate(string text) => text.Length <= 40 ? text : text[..40] + "...";

    private static UserInputException Fail(string path, string what) => new($"{path}: {what}");

    private static UserInputException Fail(string path, string tensor, string what) => new($"{path}: tensor {MessageText.Quote(tensor)}: {what}");
}
