using System.Text.Json;
using ModelGate.Core.Errors;
using ModelGate.Core.IO;

namespace ModelGate.Forgetting.Tokenizers;

/// <summary>
/// What tokenizer_config.json (and, under it, special_tokens_map.json) say: the special tokens by role, whether
/// BOS/EOS are added, and BERT's lower-casing. Values are strings or AddedToken objects (<c>{"content": ...}</c>).
/// </summary>
internal sealed record TokenizerConfig
{
    public Dictionary<string, string> SpecialTokens { get; } = new(StringComparer.Ordinal);

    public bool? AddBosToken { get; init; }

    public bool? AddEosToken { get; init; }

    public bool? DoLowerCase { get; init; }

    public static readonly string[] Roles = ["bos_token", "eos_token", "pad_token", "mask_token", "cls_token", "sep_token", "unk_token"];

    public static TokenizerConfig Read(string folder)
    {
        bool? addBos = null, addEos = null, lower = null;
        var tokens = new Dictionary<string, string>(StringComparer.Ordinal);

        // special_tokens_map.json first, tokenizer_config.json over it (transformers' precedence).
        foreach (var name in new[] { "special_tokens_map.json", "tokenizer_config.json" })
        {
            var path = Path.Combine(folder, name);
            if (!File.Exists(path))
            {
                continue;
            }

            using var doc = Parse(path);
            var root = doc.RootElement;
            if (root.ValueKind != JsonValueKind.Object)
            {
                throw new UserInputException($"{path}: expected a JSON object");
            }

            foreach (var role in Roles)
            {
                if (root.TryGetProperty(role, out var value) && Content(value) is { } content)
                {
                    tokens[role] = content;
                }
            }

            addBos = Bool(root, "add_bos_token") ?? addBos;
            addEos = Bool(root, "add_eos_token") ?? addEos;
            lower = Bool(root, "do_lower_case") ?? lower;
        }

        var config = new TokenizerConfig { AddBosToken = addBos, AddEosToken = addEos, DoLowerCase = lower };
        foreach (var (role, content) in tokens)
        {
            config.SpecialTokens[role] = content;
        }

        return config;
    }

    public static JsonDocument Parse(string path)
    {
        try
        {
            return JsonDocument.Parse(BoundedFile.ReadAllBytes(path, BoundedFile.TokenizerLimit, "tokenizer file"), new JsonDocumentOptions { AllowTrailingCommas = true, CommentHandling = JsonCommentHandling.Skip });
        }
        catch (JsonException e)
        {
            throw new UserInputException($"{path}: not valid JSON ({e.Message})", e);
        }
    }

    private static string? Content(JsonElement value) => value.ValueKind switch
    {
        JsonValueKind.String => value.GetString(),
        JsonValueKind.Object when value.TryGetProperty("content", out var c) && c.ValueKind == JsonValueKind.String => c.GetString(),
        _ => null,
    };

    private static bool? Bool(JsonElement root, string name) =>
        root.TryGetProperty(name, out var v) && v.ValueKind is JsonValueKind.True or JsonValueKind.False ? v.GetBoolean() : null;
}
