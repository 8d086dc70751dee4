using System.Text.Json;
using ModelGate.Core.Errors;
using ModelGate.Core.IO;

namespace ModelGate.Forgetting.Metrics;

/// <summary>
/// Non-blank lines of a JSONL file as JSON objects with their 1-based line numbers; a bad line names file and line.
/// The file is streamed against <see cref="BoundedFile.TextDataLimit"/>; <c>what</c> names it in that error.
/// </summary>
internal static class JsonLines
{
    public static IEnumerable<(JsonElement Value, int Line)> Read(string path, string what)
    {
        var number = 0;
        foreach (var line in BoundedFile.ReadLines(path, BoundedFile.TextDataLimit, what))
        {
            number++;
            if (string.IsNullOrWhiteSpace(line))
            {
                continue;
            }

            JsonElement value;
            try
            {
                using var doc = JsonDocument.Parse(line);
                value = doc.RootElement.Clone();
            }
            catch (JsonException e)
            {
                throw new UserInputException($"{path}:{number}: not valid JSON ({e.Message})", e);
            }

            if (value.ValueKind != JsonValueKind.Object)
            {
                throw new UserInputException($"{path}:{number}: expected a JSON object");
            }

            if (JsonStrings.FindUnreadable(value) is { } unreadable)
            {
                throw new UserInputException($"{path}:{number}: {JsonStrings.Describe(unreadable)}");
            }

            yield return (value, number);
        }
    }
}
