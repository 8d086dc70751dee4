using System.Text;
using ModelGate.Core.Errors;
using YamlDotNet.Core;
using YamlDotNet.RepresentationModel;

namespace ModelGate.Core.Reporting.ModelCards;

/// <summary>
/// A Hugging Face model card (README.md: YAML front matter between "---" lines, then Markdown) with ModelGate's results
/// written in: its <c>model-index</c> results (those whose <c>source.name</c> is <see cref="SourceName"/>) and its
/// Markdown section between <see cref="BeginMarker"/> and <see cref="EndMarker"/> are replaced, or added when absent.
/// Every other byte of the file stays as it was: only the <c>model-index</c> key's lines of the front matter are
/// rewritten, so comments and the other keys keep their text.
/// </summary>
public static class ModelCardText
{
    public const string SourceName = "ModelGate";
    public const string BeginMarker = "<!-- modelgate:begin -->";
    public const string EndMarker = "<!-- modelgate:end -->";
    private const string ModelIndexKey = "model-index";

    /// <summary><paramref name="card"/> (null or empty: a new card) with <paramref name="results"/> written in; <paramref name="source"/> names it in errors.</summary>
    public static string Update(string? card, ModelCardResults results, string source)
    {
        ArgumentNullException.ThrowIfNull(results);
        card ??= "";
        var newline = card.Contains("\r\n", StringComparison.Ordinal) ? "\r\n" : "\n";
        var (frontMatter, body) = Split(card);
        var updatedFrontMatter = frontMatter is null
            ? ModelIndexYaml(new YamlMappingNode(), results)
            : UpdateFrontMatter(frontMatter, results, source);
        return "---" + newline + Normalise(updatedFrontMatter, newline) + "---" + newline + UpdateBody(body, results.Markdown, newline);
    }

    /// <summary>The front matter's text (without its "---" lines) and the rest; no front matter: null and the whole text.</summary>
    private static (string? FrontMatter, string Body) Split(string card)
    {
        var firstLineEnd = card.IndexOf('\n', StringComparison.Ordinal);
        if (firstLineEnd < 0 || card[..firstLineEnd].TrimEnd('\r') != "---")
        {
            return (null, card);
        }

        for (var start = firstLineEnd + 1; start < card.Length;)
        {
            var end = card.IndexOf('\n', start);
            var line = (end < 0 ? card[start..] : card[start..end]).TrimEnd('\r');
            if (line is "---" or "...")
            {
                return (card[(firstLineEnd + 1)..start], end < 0 ? "" : card[(end + 1)..]);
            }

            if (end < 0)
            {
                break;
            }

            start = end + 1;
        }

        return (null, card);
    }

    private static string UpdateFrontMatter(string frontMatter, ModelCardResults results, string source)
    {
        YamlMappingNode root;
        try
        {
            var stream = new YamlStream();
            stream.Load(new StringReader(frontMatter));
            root = stream.Documents.Count == 0 ? new YamlMappingNode()
                : stream.Documents[0].RootNode as YamlMappingNode
                  ?? throw new UserInputException($"{source}: the model card's front matter is not a YAML mapping of keys to values");
        }
        catch (YamlException e)
        {
            throw new UserInputException($"{source}: the model card's front matter is not valid YAML (line {e.Start.Line}: {e.Message})", e);
        }

        var keys = root.Children.Keys.ToList();
        var at = keys.FindIndex(k => k is YamlScalarNode { Value: ModelIndexKey });
        if (at < 0)
        {
            return Normalise(frontMatter, "\n") + ModelIndexYaml(new YamlMappingNode(), results);
        }

        // The key's own lines, from its first character to the next top-level key (or the end): nothing else changes.
        var start = (int)keys[at].Start.Index;
        var end = at + 1 < keys.Count ? (int)keys[at + 1].Start.Index : frontMatter.Length;
        var existing = root.Children[keys[at]];
        var replacement = ModelIndexYaml(existing as YamlSequenceNode ?? throw new UserInputException($"{source}: the model card's model-index is not a list"), results);
        return frontMatter[..start] + replacement + frontMatter[end..];
    }

    /// <summary>"model-index:" with <paramref name="existing"/>'s entries, less the results ModelGate wrote before, plus <paramref name="results"/>'.</summary>
    private static string ModelIndexYaml(YamlNode existing, ModelCardResults results)
    {
        var models = new YamlSequenceNode();
        foreach (var model in existing is YamlSequenceNode sequence ? sequence.Children : [])
        {
            if (model is YamlMappingNode mapping && mapping.Children.TryGetValue(new YamlScalarNode("results"), out var list) && list is YamlSequenceNode resultList)
            {
                var kept = resultList.Children.Where(r => !IsOurs(r)).ToList();
                if (kept.Count == 0 && resultList.Children.Count > 0)
                {
                    continue;
                }

                mapping.Children[new YamlScalarNode("results")] = new YamlSequenceNode(kept);
            }

            models.Add(model);
        }

        models.Add(new YamlMappingNode(
            new YamlScalarNode("name"), new YamlScalarNode(results.ModelName),
            new YamlScalarNode("results"), new YamlSequenceNode(results.Results.Select(Result))));
        var document = new YamlMappingNode(new YamlScalarNode(ModelIndexKey), models);
        var text = new StringWriter { NewLine = "\n" };
        new YamlStream(new YamlDocument(document)).Save(text, assignAnchors: false);
        var yaml = text.ToString();
        // A saved stream ends its document with "...": the front matter is one document already.
        return yaml.EndsWith("...\n", StringComparison.Ordinal) ? yaml[..^"...\n".Length] : yaml;
    }

    private static bool IsOurs(YamlNode result) =>
        result is YamlMappingNode mapping
        && mapping.Children.TryGetValue(new YamlScalarNode("source"), out var source)
        && source is YamlMappingNode sourceMapping
        && sourceMapping.Children.TryGetValue(new YamlScalarNode("name"), out var name)
        && name is YamlScalarNode { Value: SourceName };

    private static YamlMappingNode Result(ModelCardResult result)
    {
        var dataset = new YamlMappingNode(new YamlScalarNode("type"), new YamlScalarNode(result.DatasetType), new YamlScalarNode("name"), new YamlScalarNode(result.DatasetName));
        if (result.DatasetRevision is { } revision)
        {
            dataset.Add("revision", revision);
        }

        return new YamlMappingNode(
            new YamlScalarNode("task"), new YamlMappingNode(new YamlScalarNode("type"), new YamlScalarNode(result.TaskType), new YamlScalarNode("name"), new YamlScalarNode(result.TaskName)),
            new YamlScalarNode("dataset"), dataset,
            new YamlScalarNode("metrics"), new YamlSequenceNode(result.Metrics.Select(m => (YamlNode)new YamlMappingNode(
                new YamlScalarNode("type"), new YamlScalarNode(m.Type),
                new YamlScalarNode("value"), new YamlScalarNode(m.Value.ToString("R", System.Globalization.CultureInfo.InvariantCulture)),
                new YamlScalarNode("name"), new YamlScalarNode(m.Name)))),
            new YamlScalarNode("source"), new YamlMappingNode(new YamlScalarNode("name"), new YamlScalarNode(SourceName), new YamlScalarNode("url"), new YamlScalarNode(ModelCardResults.SourceUrl)));
    }

    /// <summary>The body with its ModelGate section replaced, or appended after a blank line when it has none.</summary>
    private static string UpdateBody(string body, string markdown, string newline)
    {
        var section = BeginMarker + newline + Normalise(markdown, newline) + EndMarker;
        var begin = body.IndexOf(BeginMarker, StringComparison.Ordinal);
        var end = begin < 0 ? -1 : body.IndexOf(EndMarker, begin, StringComparison.Ordinal);
        if (begin >= 0 && end >= 0)
        {
            return body[..begin] + section + body[(end + EndMarker.Length)..];
        }

        var text = new StringBuilder(body);
        if (body.Length > 0)
        {
            text.Append(body.EndsWith('\n') ? "" : newline).Append(newline);
        }

        return text.Append(section).Append(newline).ToString();
    }

    /// <summary><paramref name="text"/> ending in one line break, with its line breaks as <paramref name="newline"/>.</summary>
    private static string Normalise(string text, string newline)
    {
        var lf = text.Replace("\r\n", "\n", StringComparison.Ordinal);
        if (lf.Length > 0 && !lf.EndsWith('\n'))
        {
            lf += "\n";
        }

        return newline == "\n" ? lf : lf.Replace("\n", newline, StringComparison.Ordinal);
    }
}
