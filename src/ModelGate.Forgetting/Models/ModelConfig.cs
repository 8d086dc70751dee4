using System.Text.Json;
using System.Text.Json.Nodes;
using ModelGate.Core.Errors;
using ModelGate.Core.IO;

namespace ModelGate.Forgetting.Models;

/// <summary>
/// A model folder's config.json, read with the field names transformers writes. Every missing or mistyped field is
/// a <see cref="UserInputException"/> naming the file and the field, so a broken config never becomes a shape error
/// deep inside a forward pass.
/// </summary>
public sealed class ModelConfig
{
    public const string FileName = "config.json";

    private readonly JsonObject _root;

    private ModelConfig(string path, JsonObject root)
    {
        Path = path;
        _root = root;
    }

    /// <summary>Full path of the config.json read.</summary>
    public string Path { get; }

    public string ModelType => RequireString("model_type");

    public static ModelConfig Read(string modelFolder)
    {
        var path = System.IO.Path.GetFullPath(System.IO.Path.Combine(modelFolder, FileName));
        if (!Directory.Exists(modelFolder))
        {
            throw new UserInputException($"{System.IO.Path.GetFullPath(modelFolder)}: model folder not found");
        }

        if (!File.Exists(path))
        {
            throw new UserInputException($"{path}: not found; a Hugging Face model folder has a config.json next to its weights");
        }

        JsonNode? node;
        try
        {
            node = JsonNode.Parse(BoundedFile.ReadAllText(path, BoundedFile.ConfigLimit, "model config"));
        }
        catch (JsonException e)
        {
            throw new UserInputException($"{path}: not valid JSON ({e.Message})");
        }

        return node is JsonObject root ? new ModelConfig(path, root) : throw new UserInputException($"{path}: not a JSON object");
    }

    /// <summary>A config built in memory (tests, the demo trainer); <paramref name="path"/> only names it in messages.</summary>
    public static ModelConfig FromJson(JsonObject root, string path) => new(path, root);

    public bool Has(string field) => _root[field] is not null;

    public JsonObject? ObjectOrNull(string field) => _root[field] switch
    {
        null => null,
        JsonObject o => o,
        _ => throw Wrong(field, "an object"),
    };

    public string RequireString(string field) => StringOrNull(field) ?? throw Missing(field);

    public string? StringOrNull(string field) => _root[field] switch
    {
        null => null,
        JsonValue v when v.TryGetValue<string>(out var s) => s,
        _ => throw Wrong(field, "a string"),
    };

    public int RequireInt(string field) => IntOrNull(field) ?? throw Missing(field);

    public int RequirePositiveInt(string field)
    {
        var value = RequireInt(field);
        return value > 0 ? value : throw Invalid(field, $"is {value}; it must be positive");
    }

    public int? IntOrNull(string field) => IntOrNull(_root, field, field);

    public int IntOrDefault(string field, int fallback) => IntOrNull(field) ?? fallback;

    public double RequireDouble(string field) => DoubleOrNull(field) ?? throw Missing(field);

    public double? DoubleOrNull(string field) => DoubleOrNull(_root, field, field);

    public double DoubleOrDefault(string field, double fallback) => DoubleOrNull(field) ?? fallback;

    public bool BoolOrDefault(string field, bool fallback) => _root[field] switch
    {
        null => fallback,
        JsonValue v when v.TryGetValue<bool>(out var b) => b,
        _ => throw Wrong(field, "true or false"),
    };

    /// <summary>A list of strings (e.g. <c>layer_types</c>), or null when absent.</summary>
    public IReadOnlyList<string>? Strings(string field) => _root[field] switch
    {
        null => null,
        JsonArray a => a.Select((n, i) => n is JsonValue v && v.TryGetValue<string>(out var s) ? s : throw Wrong($"{field}[{i}]", "a string")).ToArray(),
        _ => throw Wrong(field, "a list of strings"),
    };

    /// <summary>An integer inside a nested object such as <c>rope_parameters</c>; <paramref name="label"/> names it in messages.</summary>
    public int? IntOrNull(JsonObject parent, string field, string label) => Number(parent, field, label, "an integer") switch
    {
        null => null,
        { } d when d == Math.Floor(d) && Math.Abs(d) <= int.MaxValue => (int)d,
        _ => throw Wrong(label, "an integer", parent[field]),
    };

    /// <summary>A number inside a nested object; <paramref name="label"/> names it in messages.</summary>
    public double? DoubleOrNull(JsonObject parent, string field, string label) => Number(parent, field, label, "a number");

    /// <summary>Any JSON number, whether parsed from text or built in memory with an int, long or double.</summary>
    private double? Number(JsonObject parent, string field, string label, string expected) => parent[field] switch
    {
        null => null,
        JsonValue v when v.GetValueKind() == JsonValueKind.Number =>
            double.Parse(v.ToJsonString(), System.Globalization.NumberStyles.Float, System.Globalization.CultureInfo.InvariantCulture),
        _ => throw Wrong(label, expected, parent[field]),
    };

    public UserInputException Missing(string field) => new($"{Path}: field '{field}' is missing");

    public UserInputException Wrong(string field, string expected) => Wrong(field, expected, _root[field]);

    private UserInputException Wrong(string label, string expected, JsonNode? value) =>
        new($"{Path}: field '{label}' must be {expected}, got {value?.ToJsonString() ?? "null"}");

    public UserInputException Invalid(string field, string why) => new($"{Path}: field '{field}' {why}");
}
