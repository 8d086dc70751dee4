using System.Text.Json;
using ModelGate.Core.Errors;
using ModelGate.Core.IO;

namespace ModelGate.Core.Evidence;

/// <summary>
/// One JSON value of an evidence file (an analysis shard, a forgetting report) with where it is, so that every error
/// names the file and the JSON path. Anything missing or of the wrong type is a user error.
/// </summary>
internal sealed record JsonEvidence(JsonElement Element, string File, string At)
{
    /// <summary>Parses <paramref name="path"/> (at most <paramref name="sizeLimit"/> bytes) and hands its root to <paramref name="read"/>; <paramref name="what"/> names the file in errors ("analysis").</summary>
    public static async Task<T> LoadAsync<T>(string path, string what, long sizeLimit, Func<JsonEvidence, T> read, CancellationToken cancellationToken)
    {
        if (!System.IO.File.Exists(path))
        {
            throw new UserInputException($"{path}: {what} file not found");
        }

        JsonDocument document;
        try
        {
            await using var stream = BoundedFile.OpenRead(path, sizeLimit, what + " file");
            document = await JsonDocument.ParseAsync(stream, default, cancellationToken);
        }
        catch (JsonException e)
        {
            throw new UserInputException($"{path}: {what} is not valid JSON (line {e.LineNumber + 1})");
        }

        using (document)
        {
            if (JsonStrings.FindUnreadable(document.RootElement) is { } unreadable)
            {
                throw new UserInputException($"{path}: {JsonStrings.Describe(unreadable)}");
            }

            return read(new JsonEvidence(document.RootElement, path, "$"));
        }
    }

    public UserInputException Error(string name, string problem) => new($"{File}: {At}.{name} {problem}");

    public bool Has(string name) => Element.ValueKind == JsonValueKind.Object && Element.TryGetProperty(name, out var v) && v.ValueKind != JsonValueKind.Null;

    public string String(string name) => Get(name, JsonValueKind.String, "a string").Self();

    public string? OptionalString(string name) => Has(name) ? String(name) : null;

    public int Int(string name) => (int)Get(name, JsonValueKind.Number, "a number").SelfLong();

    public int? OptionalInt(string name) => Has(name) ? Int(name) : null;

    public long Long(string name) => Get(name, JsonValueKind.Number, "a number").SelfLong();

    public double Double(string name) => Get(name, JsonValueKind.Number, "a number").SelfDouble();

    public double? OptionalDouble(string name) => Has(name) ? Double(name) : null;

    public bool Bool(string name) => Has(name) && Element.GetProperty(name).ValueKind is JsonValueKind.True or JsonValueKind.False
        ? Element.GetProperty(name).GetBoolean()
        : throw Error(name, "is missing or not true or false");

    public JsonEvidence Object(string name) => Get(name, JsonValueKind.Object, "an object");

    public IEnumerable<JsonEvidence> Array(string name)
    {
        var array = Get(name, JsonValueKind.Array, "an array");
        return array.Element.EnumerateArray().Select((e, i) => new JsonEvidence(e, File, $"{array.At}[{i}]")).ToArray();
    }

    public string Self() => Element.ValueKind == JsonValueKind.String
        ? Element.GetString()!
        : throw new UserInputException($"{File}: {At} must be a string");

    public long SelfLong() => Element.ValueKind == JsonValueKind.Number && Element.TryGetInt64(out var v)
        ? v
        : throw new UserInputException($"{File}: {At} must be a whole number");

    public double SelfDouble() => Element.ValueKind == JsonValueKind.Number
        ? Element.GetDouble()
        : throw new UserInputException($"{File}: {At} must be a number");

    private JsonEvidence Get(string name, JsonValueKind kind, string what) =>
        Element.ValueKind == JsonValueKind.Object && Element.TryGetProperty(name, out var v) && v.ValueKind == kind
            ? new JsonEvidence(v, File, $"{At}.{name}")
            : throw Error(name, $"is missing or not {what}");
}
