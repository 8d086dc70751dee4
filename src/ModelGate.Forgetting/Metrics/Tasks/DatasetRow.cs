using System.Globalization;
using System.Text.Json;
using ModelGate.Core.Errors;

namespace ModelGate.Forgetting.Metrics.Tasks;

/// <summary>
/// One row of a dataset file (a Parquet row, a JSONL line, an element of a JSON array) as a JSON object, with the
/// accessors a task format reads it by. A missing or mistyped field fails naming the file, the row (1-based) and the field.
/// </summary>
public sealed record DatasetRow(string File, int Number, JsonElement Value)
{
    /// <summary>A string field; <paramref name="field"/> may name a nested one as <c>parent.child</c>.</summary>
    public string Text(string field) => Field(field) is { ValueKind: JsonValueKind.String } value
        ? value.GetString()!
        : throw Error($"{field} must be a string, is {Describe(Field(field))}");

    /// <summary>A list of strings (a Parquet list column, a JSON array).</summary>
    public IReadOnlyList<string> Texts(string field) => Field(field) is { ValueKind: JsonValueKind.Array } value
        ? [.. value.EnumerateArray().Select(e => e.ValueKind == JsonValueKind.String ? e.GetString()! : throw Error($"{field} must hold strings, holds {Describe(e)}"))]
        : throw Error($"{field} must be a list of strings, is {Describe(Field(field))}");

    /// <summary>An integer, stored as a number or as its digits (Hugging Face keeps some labels as strings).</summary>
    public int WholeNumber(string field) => Field(field) switch
    {
        { ValueKind: JsonValueKind.Number } n when n.TryGetInt32(out var i) => i,
        { ValueKind: JsonValueKind.String } s when int.TryParse(s.GetString(), NumberStyles.Integer, CultureInfo.InvariantCulture, out var i) => i,
        var other => throw Error($"{field} must be an integer, is {Describe(other)}"),
    };

    /// <summary>The user's mistake in this row, as one line naming the file and the row.</summary>
    public UserInputException Error(string message) => new($"{File}: row {Number}: {message}");

    private JsonElement Field(string field)
    {
        var value = Value;
        foreach (var part in field.Split('.'))
        {
            if (value.ValueKind != JsonValueKind.Object || !value.TryGetProperty(part, out value))
            {
                throw Error($"has no field {field}");
            }
        }

        return value;
    }

    private static string Describe(JsonElement value) => value.ValueKind switch
    {
        JsonValueKind.Null => "null",
        JsonValueKind.String => $"the string {Shorten(value.GetRawText())}",
        JsonValueKind.Array => "a list",
        JsonValueKind.Object => "a record",
        _ => Shorten(value.GetRawText()),
    };

    private static string Shorten(string text) => text.Length <= 40 ? text : text[..40] + "…";
}
