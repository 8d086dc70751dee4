using System.Globalization;
using System.Text.Json;
using ModelGate.Core.Errors;

namespace ModelGate.Core.IO;

/// <summary>
/// <see cref="JsonDocument"/> accepts strings it cannot later turn into .NET strings: invalid UTF-8 inside quotes, and
/// <c>\u</c> escapes of half a surrogate pair (<c>"\ud800"</c>). Reading one throws InvalidOperationException
/// wherever a loader happens to touch it, which would surface as a bug (exit 3); loaders check the whole document
/// once after parsing instead, and report the place as a user error.
/// </summary>
public static class JsonStrings
{
    /// <summary>Where the first unreadable string or key is, as a JSON path (<c>$.rank_pattern</c>, <c>$.choices[1]</c>), or null when all are readable.</summary>
    public static string? FindUnreadable(JsonElement root) => Find(root) is { } at ? "$" + at : null;

    public static string Describe(string location) =>
        $"the text at {location} is not valid Unicode (invalid UTF-8, or a \\u escape of half a surrogate pair)";

    private static string? Find(JsonElement element)
    {
        switch (element.ValueKind)
        {
            case JsonValueKind.String:
                return Readable(element) ? null : "";
            case JsonValueKind.Object:
                foreach (var property in element.EnumerateObject())
                {
                    string name;
                    try
                    {
                        name = property.Name;
                    }
                    catch (InvalidOperationException)
                    {
                        return " (a key)";
                    }

                    if (Find(property.Value) is { } inner)
                    {
                        return Member(name) + inner;
                    }
                }

                return null;
            case JsonValueKind.Array:
                var index = 0;
                foreach (var item in element.EnumerateArray())
                {
                    if (Find(item) is { } inner)
                    {
                        return "[" + index.ToString(CultureInfo.InvariantCulture) + "]" + inner;
                    }

                    index++;
                }

                return null;
            default:
                return null;
        }
    }

    /// <summary><c>.name</c> for plain keys, <c>["a key"]</c> (quoted, control characters escaped) for any other.</summary>
    private static string Member(string name) =>
        name.Length > 0 && name.All(c => char.IsAsciiLetterOrDigit(c) || c is '_' or '-') ? "." + name : "[" + MessageText.Quote(name) + "]";

    private static bool Readable(JsonElement text)
    {
        try
        {
            _ = text.GetString();
            return true;
        }
        catch (InvalidOperationException)
        {
            return false;
        }
    }
}
