using System.Text.Json;
using ModelGate.Testing;

namespace ModelGate.Forgetting.Tests.Metrics;

/// <summary>
/// A model folder whose tokenizer.json is a character-level BPE (no merges): every character is one token, so a
/// test can tokenize by hand. Ids 0-4 are &lt;s&gt; &lt;/s&gt; &lt;unk&gt; &lt;mask&gt; &lt;pad&gt;; a masked variant wraps sequences in &lt;s&gt; … &lt;/s&gt;.
/// </summary>
internal sealed class CharacterTokenizerFolder : IDisposable
{
    public const string Alphabet = "abcdefghijklmnopqrstuvwxyz .,\n";
    public const int Bos = 0, Eos = 1, Unk = 2, Mask = 3, Pad = 4, FirstCharacter = 5;

    private readonly TempDirectory _folder = new();

    public CharacterTokenizerFolder(bool masked = false)
    {
        var specials = new[] { "<s>", "</s>", "<unk>", "<mask>", "<pad>" };
        var vocab = specials.Concat(Alphabet.Select(c => c.ToString())).Select((t, i) => (t, i)).ToDictionary(p => p.t, p => p.i);
        object? post = masked
            ? new Dictionary<string, object>
            {
                ["type"] = "TemplateProcessing",
                ["single"] = new object[] { new { SpecialToken = new { id = "<s>", type_id = 0 } }, new { Sequence = new { id = "A", type_id = 0 } }, new { SpecialToken = new { id = "</s>", type_id = 0 } } },
                ["special_tokens"] = new Dictionary<string, object> { ["<s>"] = new { id = "<s>", ids = new[] { Bos } }, ["</s>"] = new { id = "</s>", ids = new[] { Eos } } },
            }
            : null;
        var json = new Dictionary<string, object?>
        {
            ["version"] = "1.0",
            ["added_tokens"] = specials.Select((s, i) => new { id = i, content = s, special = true }).ToArray(),
            ["normalizer"] = null,
            ["pre_tokenizer"] = null,
            ["post_processor"] = post,
            ["model"] = new Dictionary<string, object?> { ["type"] = "BPE", ["vocab"] = vocab, ["merges"] = Array.Empty<string>(), ["unk_token"] = "<unk>" },
        };
        File.WriteAllText(_folder.File("tokenizer.json"), JsonSerializer.Serialize(json));
        File.WriteAllText(_folder.File("tokenizer_config.json"), JsonSerializer.Serialize(new
        {
            bos_token = "<s>", eos_token = "</s>", unk_token = "<unk>", mask_token = "<mask>", pad_token = "<pad>",
        }));
    }

    public string Path => _folder.Path;

    public static int VocabularySize => FirstCharacter + Alphabet.Length;

    public static int[] Ids(string text) => text.Select(c => FirstCharacter + Alphabet.IndexOf(c, StringComparison.Ordinal)).ToArray();

    public void Dispose() => _folder.Dispose();
}
