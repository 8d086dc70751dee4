using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using ModelGate.Core.Errors;
using ModelGate.Core.IO;

namespace ModelGate.Demo;

/// <summary>
/// GPT-2's byte-level BPE: text split by GPT-2's pre-tokenisation pattern, each piece's UTF-8 bytes mapped to
/// printable characters (<c>bytes_to_unicode</c>), then merged pair by pair in the order the merges were learnt.
/// Trains a small vocabulary on the demo corpus and writes it as GPT-2 ships one (vocab.json + merges.txt) and as the
/// <c>tokenizers</c> library saves one (tokenizer.json), so transformers, tokenizers and Microsoft.ML.Tokenizers load it.
/// </summary>
public sealed partial class ByteLevelBpe
{
    public const string EndOfText = "<|endoftext|>";

    private static readonly char[] ByteToChar = BuildByteToChar();
    private readonly Dictionary<string, int> _vocabulary;
    private readonly Dictionary<(string, string), int> _ranks;
    private readonly Dictionary<string, int[]> _cache = new(StringComparer.Ordinal);

    private ByteLevelBpe(Dictionary<string, int> vocabulary, IReadOnlyList<(string Left, string Right)> merges)
    {
        _vocabulary = vocabulary;
        Merges = merges;
        _ranks = merges.Select((m, i) => (m, i)).ToDictionary(x => x.m, x => x.i);
    }

    public IReadOnlyDictionary<string, int> Vocabulary => _vocabulary;

    public IReadOnlyList<(string Left, string Right)> Merges { get; }

    public int EndOfTextId => _vocabulary[EndOfText];

    /// <summary>
    /// Learns merges until the vocabulary (<see cref="EndOfText"/>, the 256 byte symbols, one token per merge) has
    /// <paramref name="vocabularySize"/> entries: each step merges the most frequent adjacent pair (ties broken by the
    /// pair's characters, so training is deterministic).
    /// </summary>
    public static ByteLevelBpe Train(IEnumerable<string> texts, int vocabularySize)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(vocabularySize, 257);
        var counts = new Dictionary<string, int>(StringComparer.Ordinal);
        foreach (var text in texts)
        {
            foreach (var piece in PreTokenize(text))
            {
                counts[piece] = counts.GetValueOrDefault(piece) + 1;
            }
        }

        var words = counts.OrderBy(c => c.Key, StringComparer.Ordinal).Select(c => (Symbols: c.Key.Select(ch => ch.ToString()).ToList(), c.Value)).ToArray();
        var vocabulary = new Dictionary<string, int>(StringComparer.Ordinal) { [EndOfText] = 0 };
        foreach (var c in ByteToChar)
        {
            vocabulary[c.ToString()] = vocabulary.Count;
        }

        var merges = new List<(string, string)>();
        while (vocabulary.Count < vocabularySize)
        {
            var pairs = new Dictionary<(string, string), long>();
            foreach (var (symbols, count) in words)
            {
                for (var i = 0; i + 1 < symbols.Count; i++)
                {
                    var pair = (symbols[i], symbols[i + 1]);
                    pairs[pair] = pairs.GetValueOrDefault(pair) + count;
                }
            }

            // The most frequent pair; ties go to the ordinally smallest, so training is deterministic.
            (string, string) best = default;
            long bestCount = 1;
            foreach (var (pair, count) in pairs)
            {
                var better = count > bestCount || (count == bestCount && best != default &&
                    (string.CompareOrdinal(pair.Item1, best.Item1) is var c && (c < 0 || (c == 0 && string.CompareOrdinal(pair.Item2, best.Item2) < 0))));
                if (better && !vocabulary.ContainsKey(pair.Item1 + pair.Item2))
                {
                    (best, bestCount) = (pair, count);
                }
            }

            if (best == default)
            {
                break;
            }

            merges.Add(best);
            vocabulary[best.Item1 + best.Item2] = vocabulary.Count;
            foreach (var (symbols, _) in words)
            {
                if (symbols.Count > 1)
                {
                    MergeAll(symbols, best);
                }
            }
        }

        return new ByteLevelBpe(vocabulary, merges);
    }

    /// <summary>Reads GPT-2's vocab.json and merges.txt.</summary>
    public static ByteLevelBpe Load(string vocabJson, string mergesTxt)
    {
        var vocabulary = JsonSerializer.Deserialize<Dictionary<string, int>>(File.ReadAllText(vocabJson))
            ?? throw new UserInputException($"{vocabJson}: not a JSON object of token ids");
        var merges = File.ReadLines(mergesTxt)
            .Where(l => l.Length > 0 && !l.StartsWith("#version", StringComparison.Ordinal))
            .Select(l => l.Split(' ') is [var left, var right] ? (left, right) : throw new UserInputException($"{mergesTxt}: line '{l}' is not two symbols"))
            .ToArray();
        return new ByteLevelBpe(vocabulary, merges);
    }

    /// <summary>Token ids of <paramref name="text"/> (no special tokens added).</summary>
    public int[] Encode(string text)
    {
        var ids = new List<int>(text.Length / 3);
        foreach (var piece in PreTokenize(text))
        {
            if (!_cache.TryGetValue(piece, out var pieceIds))
            {
                var symbols = piece.Select(ch => ch.ToString()).ToList();
                while (symbols.Count > 1)
                {
                    var best = ((string, string)?)null;
                    var bestRank = int.MaxValue;
                    for (var i = 0; i + 1 < symbols.Count; i++)
                    {
                        if (_ranks.TryGetValue((symbols[i], symbols[i + 1]), out var rank) && rank < bestRank)
                        {
                            (best, bestRank) = ((symbols[i], symbols[i + 1]), rank);
                        }
                    }

                    if (best is not { } pair)
                    {
                        break;
                    }

                    MergeAll(symbols, pair);
                }

                _cache[piece] = pieceIds = symbols.Select(s => _vocabulary[s]).ToArray();
            }

            ids.AddRange(pieceIds);
        }

        return [.. ids];
    }

    /// <summary>Writes vocab.json, merges.txt, tokenizer.json and tokenizer_config.json into <paramref name="folder"/>.</summary>
    public void Save(string folder)
    {
        Directory.CreateDirectory(folder);
        var indented = new JsonSerializerOptions { WriteIndented = true };
        var vocab = new JsonObject(_vocabulary.OrderBy(v => v.Value).Select(v => KeyValuePair.Create(v.Key, (JsonNode?)v.Value)));
        AtomicFile.WriteAllText(Path.Combine(folder, "vocab.json"), vocab.ToJsonString());
        AtomicFile.WriteAllText(Path.Combine(folder, "merges.txt"), "#version: 0.2\n" + string.Concat(Merges.Select(m => $"{m.Left} {m.Right}\n")));

        // The layout the tokenizers library writes for a byte-level BPE (tokenizers 0.23, as in the peer vectors).
        var byteLevel = new JsonObject { ["type"] = "ByteLevel", ["add_prefix_space"] = false, ["trim_offsets"] = true, ["use_regex"] = true };
        var tokenizer = new JsonObject
        {
            ["version"] = "1.0",
            ["truncation"] = null,
            ["padding"] = null,
            ["added_tokens"] = new JsonArray(new JsonObject
            {
                ["id"] = EndOfTextId, ["content"] = EndOfText, ["single_word"] = false, ["lstrip"] = false, ["rstrip"] = false, ["normalized"] = false, ["special"] = true,
            }),
            ["normalizer"] = null,
            ["pre_tokenizer"] = byteLevel.DeepClone(),
            ["post_processor"] = new JsonObject { ["type"] = "ByteLevel", ["add_prefix_space"] = true, ["trim_offsets"] = false, ["use_regex"] = true },
            ["decoder"] = new JsonObject { ["type"] = "ByteLevel", ["add_prefix_space"] = true, ["trim_offsets"] = true, ["use_regex"] = true },
            ["model"] = new JsonObject
            {
                ["type"] = "BPE", ["dropout"] = null, ["unk_token"] = null, ["continuing_subword_prefix"] = null, ["end_of_word_suffix"] = null,
                ["fuse_unk"] = false, ["byte_fallback"] = false, ["ignore_merges"] = false,
                ["vocab"] = vocab.DeepClone(),
                ["merges"] = new JsonArray(Merges.Select(m => (JsonNode)new JsonArray(m.Left, m.Right)).ToArray()),
            },
        };
        AtomicFile.WriteAllText(Path.Combine(folder, "tokenizer.json"), tokenizer.ToJsonString(indented));
        var config = new JsonObject
        {
            ["tokenizer_class"] = "GPT2Tokenizer",
            ["bos_token"] = EndOfText,
            ["eos_token"] = EndOfText,
            ["unk_token"] = EndOfText,
            ["add_prefix_space"] = false,
            ["model_max_length"] = 1024,
        };
        AtomicFile.WriteAllText(Path.Combine(folder, "tokenizer_config.json"), config.ToJsonString(indented));
    }

    /// <summary>GPT-2's pattern, then each piece's UTF-8 bytes as <c>bytes_to_unicode</c> characters.</summary>
    public static IEnumerable<string> PreTokenize(string text)
    {
        foreach (Match match in Gpt2Pattern().Matches(text))
        {
            var bytes = Encoding.UTF8.GetBytes(match.Value);
            yield return new string(bytes.Select(b => ByteToChar[b]).ToArray());
        }
    }

    private static void MergeAll(List<string> symbols, (string Left, string Right) pair)
    {
        for (var i = 0; i + 1 < symbols.Count; i++)
        {
            if (symbols[i] == pair.Left && symbols[i + 1] == pair.Right)
            {
                symbols[i] = pair.Left + pair.Right;
                symbols.RemoveAt(i + 1);
            }
        }
    }

    /// <summary>GPT-2's <c>bytes_to_unicode</c>: printable bytes stand for themselves, the rest map to U+0100 onwards.</summary>
    private static char[] BuildByteToChar()
    {
        var map = new char[256];
        var next = 256;
        for (var b = 0; b < 256; b++)
        {
            var printable = b is >= '!' and <= '~' or >= 0xA1 and <= 0xAC or >= 0xAE and <= 0xFF;
            map[b] = (char)(printable ? b : next++);
        }

        return map;
    }

    [GeneratedRegex(@"'s|'t|'re|'ve|'m|'ll|'d| ?\p{L}+| ?\p{N}+| ?[^\s\p{L}\p{N}]+|\s+(?!\S)|\s+")]
    private static partial Regex Gpt2Pattern();
}
