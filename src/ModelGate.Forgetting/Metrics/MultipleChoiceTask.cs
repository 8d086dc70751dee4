using System.Globalization;
using System.Text.Json;
using ModelGate.Core.Errors;
using ModelGate.Core.Forgetting;

namespace ModelGate.Forgetting.Metrics;

/// <summary>
/// A multiple-choice task in JSONL: <c>{"context": ..., "choices": [...], "label": 0}</c> per line; lm-eval-style
/// names are accepted too (<c>query</c>/<c>question</c>/<c>ctx</c>, <c>endings</c>, <c>gold</c>/<c>answer</c>; a label
/// may also be the text of the right choice).
/// </summary>
public sealed class MultipleChoiceTask
{
    private static readonly string[] ContextFields = ["context", "query", "question", "ctx"];
    private static readonly string[] ChoiceFields = ["choices", "endings", "options"];
    private static readonly string[] LabelFields = ["label", "gold", "answer"];

    private MultipleChoiceTask(string name, string path, IReadOnlyList<MultipleChoiceItem> items, DatasetOrigin? origin)
    {
        Name = name;
        Path = path;
        Items = items;
        Origin = origin;
    }

    public string Path { get; }

    public string Name { get; }

    public IReadOnlyList<MultipleChoiceItem> Items { get; }

    /// <summary>The lm-eval task format the rows were read in; null for our own JSONL shape.</summary>
    public DatasetOrigin? Origin { get; }

    /// <summary>The first <paramref name="count"/> items (lm-eval's <c>--limit</c>).</summary>
    public MultipleChoiceTask First(int count) => new(Name, Path, [.. Items.Take(count)], Origin);

    /// <summary>Items an lm-eval task format built from a dataset's rows.</summary>
    public static MultipleChoiceTask Of(string path, IReadOnlyList<MultipleChoiceItem> items, DatasetOrigin origin)
    {
        ArgumentNullException.ThrowIfNull(origin);
        return new MultipleChoiceTask(origin.Task, path, items, origin);
    }

    public static MultipleChoiceTask Read(string path)
    {
        if (!File.Exists(path))
        {
            throw new UserInputException($"{path}: task file not found");
        }

        var items = new List<MultipleChoiceItem>();
        foreach (var (value, line) in JsonLines.Read(path, "task file"))
        {
            var where = $"{path}:{line}";
            var context = First(value, ContextFields) is { ValueKind: JsonValueKind.String } c
                ? c.GetString()!
                : throw new UserInputException($"{where}: expected a \"context\" string (or query, question, ctx)");
            var choices = First(value, ChoiceFields) is { ValueKind: JsonValueKind.Array } a
                ? a.EnumerateArray().Select(e => e.ValueKind == JsonValueKind.String ? e.GetString()! : throw new UserInputException($"{where}: every choice must be a string")).ToArray()
                : throw new UserInputException($"{where}: expected a \"choices\" array of strings (or endings, options)");
            if (choices.Length < 2)
            {
                throw new UserInputException($"{where}: needs at least 2 choices, has {choices.Length}");
            }

            var label = First(value, LabelFields) is { } l ? Label(l, choices, where) : throw new UserInputException($"{where}: expected a \"label\" (or gold, answer)");
            if (label < 0 || label >= choices.Length)
            {
                throw new UserInputException($"{where}: label {label} is out of range for {choices.Length} choices (0..{choices.Length - 1})");
            }

            items.Add(new MultipleChoiceItem(context, choices, label));
        }

        if (items.Count == 0)
        {
            throw new UserInputException($"{path}: the task has no items");
        }

        return new MultipleChoiceTask(ForgettingDataset.NameOf(path), path, items, null);
    }

    private static JsonElement? First(JsonElement value, string[] names)
    {
        foreach (var name in names)
        {
            if (value.TryGetProperty(name, out var v))
            {
                return v;
            }
        }

        return null;
    }

    private static int Label(JsonElement label, string[] choices, string where) => label.ValueKind switch
    {
        JsonValueKind.Number when label.TryGetInt32(out var i) => i,
        JsonValueKind.String when int.TryParse(label.GetString(), NumberStyles.Integer, CultureInfo.InvariantCulture, out var i) => i,
        JsonValueKind.String when Array.IndexOf(choices, label.GetString()) is >= 0 and var i => i,
        _ => throw new UserInputException($"{where}: label {label.GetRawText()} is neither a choice index nor the text of a choice"),
    };
}
