using System.Text.RegularExpressions;

namespace ModelGate.Forgetting.Metrics.Tasks;

/// <summary>
/// <c>hellaswag</c>: lm_eval/tasks/hellaswag/hellaswag.yaml with its <c>process_docs</c> in
/// lm_eval/tasks/hellaswag/utils.py: query = preprocess(activity_label + ": " + ctx_a + " " + ctx_b.capitalize()),
/// choices = preprocess(ending) each, gold = int(label).
/// </summary>
public sealed partial class HellaSwag : MultipleChoiceFormat
{
    public override string Name => "hellaswag";

    public override HubDataset Dataset { get; } = new("Rowan/hellaswag", null, "validation");

    public override MultipleChoiceItem Item(DatasetRow row)
    {
        ArgumentNullException.ThrowIfNull(row);
        var context = row.Text("ctx_a") + " " + Capitalize(row.Text("ctx_b"));
        var endings = row.Texts("endings");
        var label = row.WholeNumber("label");
        if (label < 0 || label >= endings.Count)
        {
            throw row.Error($"label {label} is not an index of the {endings.Count} endings");
        }

        return new MultipleChoiceItem(Preprocess(row.Text("activity_label") + ": " + context), [.. endings.Select(Preprocess)], label);
    }

    /// <summary>utils.py's <c>preprocess</c>: strip, " [title]" to ". ", drop [bracketed] WikiHow artefacts, one pass of "  " to " ".</summary>
    internal static string Preprocess(string text) =>
        Bracketed().Replace(text.Trim().Replace(" [title]", ". ", StringComparison.Ordinal), "").Replace("  ", " ", StringComparison.Ordinal);

    /// <summary>Python's <c>str.capitalize</c>: the first character upper case, all the others lower case.</summary>
    internal static string Capitalize(string text) =>
        text.Length == 0 ? text : char.ToUpperInvariant(text[0]) + text[1..].ToLowerInvariant();

    [GeneratedRegex(@"\[.*?\]")]
    private static partial Regex Bracketed();
}
