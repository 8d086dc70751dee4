namespace ModelGate.Forgetting.Metrics.Tasks;

/// <summary>
/// <c>boolq</c>: lm_eval/tasks/super_glue/boolq/default.yaml: "{{passage}}\nQuestion: {{question}}?\nAnswer:",
/// choices ["no", "yes"], gold = label.
/// </summary>
public sealed class BoolQ : MultipleChoiceFormat
{
    public override string Name => "boolq";

    public override HubDataset Dataset { get; } = new("aps/super_glue", "boolq", "validation");

    public override MultipleChoiceItem Item(DatasetRow row)
    {
        ArgumentNullException.ThrowIfNull(row);
        var label = row.WholeNumber("label");
        return label is 0 or 1
            ? new MultipleChoiceItem($"{row.Text("passage")}\nQuestion: {row.Text("question")}?\nAnswer:", ["no", "yes"], label)
            : throw row.Error($"label {label} is not 0 (no) or 1 (yes)");
    }
}
