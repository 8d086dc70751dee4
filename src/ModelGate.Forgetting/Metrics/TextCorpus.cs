using System.Text.Json;
using System.Text.RegularExpressions;
using ModelGate.Core.Errors;
using ModelGate.Core.Forgetting;
using ModelGate.Core.IO;

namespace ModelGate.Forgetting.Metrics;

/// <summary>
/// Documents of a perplexity corpus: JSONL (<c>{"text": ...}</c> per line) or plain text, split at blank lines
/// into paragraphs. Each document is scored on its own and is the unit the paired bootstrap resamples.
/// </summary>
public sealed partial class TextCorpus
{
    private TextCorpus(string path, IReadOnlyList<string> documents)
    {
        Path = path;
        Documents = documents;
    }

    public string Path { get; }

    public string Name => ForgettingDataset.NameOf(Path);

    public IReadOnlyList<string> Documents { get; }

    /// <summary>A .jsonl/.json file, any other file as plain text, or a folder: its *.txt and *.jsonl files in name order.</summary>
    public static TextCorpus Read(string path)
    {
        List<string> documents;
        if (Directory.Exists(path))
        {
            var files = Directory.EnumerateFiles(path)
                .Where(f => System.IO.Path.GetExtension(f).ToLowerInvariant() is ".txt" or ".jsonl" or ".ndjson")
                .Order(StringComparer.Ordinal).ToArray();
            documents = files.SelectMany(f => IsJsonLines(f) ? ReadJsonLines(f) : ReadParagraphs(f)).ToList();
        }
        else if (File.Exists(path))
        {
            documents = IsJsonLines(path) ? ReadJsonLines(path) : ReadParagraphs(path);
        }
        else
        {
            throw new UserInputException($"{path}: corpus file not found");
        }

        if (documents.Count == 0)
        {
            throw new UserInputException($"{path}: the corpus is empty (no non-blank {(IsJsonLines(path) ? "\"text\" values" : "paragraphs")})");
        }

        return new TextCorpus(path, documents);
    }

    internal static bool IsJsonLines(string path) =>
        System.IO.Path.GetExtension(path).ToLowerInvariant() is ".jsonl" or ".ndjson" or ".json";

    private static List<string> ReadJsonLines(string path)
    {
        var documents = new List<string>();
        foreach (var (line, number) in JsonLines.Read(path, "corpus file"))
        {
            if (!line.TryGetProperty("text", out var text) || text.ValueKind != JsonValueKind.String)
            {
                throw new UserInputException($"{path}:{number}: expected a \"text\" string");
            }

            var value = text.GetString()!;
            if (!string.IsNullOrWhiteSpace(value))
            {
                documents.Add(value);
            }
        }

        return documents;
    }

    private static List<string> ReadParagraphs(string path) =>
        BlankLines().Split(ReadText(path).ReplaceLineEndings("\n"))
            .Select(p => p.Trim('\n'))
            .Where(p => !string.IsNullOrWhiteSpace(p))
            .ToList();

    private static string ReadText(string path)
    {
        using var reader = new StreamReader(BoundedFile.OpenRead(path, BoundedFile.TextDataLimit, "corpus file"));
        return reader.ReadToEnd();
    }

    [GeneratedRegex(@"\n[ \t]*\n+")]
    private static partial Regex BlankLines();
}
