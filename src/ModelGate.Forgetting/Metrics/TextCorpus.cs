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
    private TextCorpus(string name, string path, IReadOnlyList<string> documents, IReadOnlyList<string> countedOn, DatasetOrigin? origin)
    {
        Name = name;
        Path = path;
        Documents = documents;
        CountedOn = countedOn;
        Origin = origin;
    }

    public string Path { get; }

    public string Name { get; }

    public IReadOnlyList<string> Documents { get; }

    /// <summary>Per document, the text its words and bytes are counted on: itself, except where a task counts on the text before it was cleaned.</summary>
    public IReadOnlyList<string> CountedOn { get; }

    /// <summary>The lm-eval task format the documents were read in; null for a corpus file.</summary>
    public DatasetOrigin? Origin { get; }

    /// <summary>Documents an lm-eval task format built from a dataset's rows (wikitext), with the texts their words and bytes are counted on.</summary>
    public static TextCorpus Of(string path, IReadOnlyList<(string Scored, string Counted)> documents, DatasetOrigin origin)
    {
        ArgumentNullException.ThrowIfNull(documents);
        ArgumentNullException.ThrowIfNull(origin);
        return new TextCorpus(origin.Task, path, [.. documents.Select(d => d.Scored)], [.. documents.Select(d => d.Counted)], origin);
    }

    /// <summary>
    /// As <see cref="Read(string)"/>, and also a Parquet file or a JSON array of rows; in a Parquet, JSON or JSONL file the
    /// text is in <paramref name="textColumn"/> (JSON Lines keep their line numbers in errors).
    /// </summary>
    public static async Task<TextCorpus> ReadAsync(string path, string textColumn, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(path);
        var extension = System.IO.Path.GetExtension(path).ToLowerInvariant();
        if (extension is not (".parquet" or ".json" or ".jsonl" or ".ndjson") || !File.Exists(path))
        {
            return Read(path);
        }

        var documents = new List<string>();
        if (extension is ".jsonl" or ".ndjson")
        {
            documents.AddRange(ReadJsonLines(path, textColumn));
        }
        else
        {
            await foreach (var row in Tasks.DatasetRows.ReadAsync(path, cancellationToken))
            {
                documents.Add(row.Text(textColumn));
            }
        }

        return Corpus(path, [.. documents.Where(d => !string.IsNullOrWhiteSpace(d))], $"\"{textColumn}\" values");
    }

    /// <summary>A .jsonl/.json file, any other file as plain text, or a folder: its *.txt and *.jsonl files in name order.</summary>
    public static TextCorpus Read(string path)
    {
        List<string> documents;
        if (Directory.Exists(path))
        {
            var files = Directory.EnumerateFiles(path)
                .Where(f => System.IO.Path.GetExtension(f).ToLowerInvariant() is ".txt" or ".jsonl" or ".ndjson")
                .Order(StringComparer.Ordinal).ToArray();
            documents = files.SelectMany(f => IsJsonLines(f) ? ReadJsonLines(f, "text") : ReadParagraphs(f)).ToList();
        }
        else if (File.Exists(path))
        {
            documents = IsJsonLines(path) ? ReadJsonLines(path, "text") : ReadParagraphs(path);
        }
        else
        {
            throw new UserInputException($"{path}: corpus file not found");
        }

        return Corpus(path, documents, IsJsonLines(path) ? "\"text\" values" : "paragraphs");
    }

    private static TextCorpus Corpus(string path, List<string> documents, string what) => documents.Count == 0
        ? throw new UserInputException($"{path}: the corpus is empty (no non-blank {what})")
        : new TextCorpus(ForgettingDataset.NameOf(path), path, documents, documents, null);

    internal static bool IsJsonLines(string path) =>
        System.IO.Path.GetExtension(path).ToLowerInvariant() is ".jsonl" or ".ndjson" or ".json";

    private static List<string> ReadJsonLines(string path, string textColumn)
    {
        var documents = new List<string>();
        foreach (var (line, number) in JsonLines.Read(path, "corpus file"))
        {
            if (!line.TryGetProperty(textColumn, out var text) || text.ValueKind != JsonValueKind.String)
            {
                throw new UserInputException($"{path}:{number}: expected a \"{textColumn}\" string");
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
