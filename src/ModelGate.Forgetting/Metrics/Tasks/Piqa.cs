namespace ModelGate.Forgetting.Metrics.Tasks;

/// <summary><c>piqa</c>: lm_eval/tasks/piqa/piqa.yaml: "Question: {{goal}}\nAnswer:", choices [sol1, sol2], gold = label.</summary>
public sealed class Piqa : MultipleChoiceFormat
{
    public override string Name => "piqa";

    public override HubDataset Dataset { get; } = new("baber/piqa", null, "validation");

    public override MultipleChoiceItem Item(DatasetRow row)
    {
        ArgumentNullException.ThrowIfNull(row);
        var label = row.WholeNumber("label");
        return label is 0 or 1
            ? new MultipleChoiceItem($"Question: {row.Text("goal")}\nAnswer:", [row.Text("sol1"), row.Text("sol2")], label)
            : throw row.Error($"label {label} is not 0 (sol1) or 1 (sol2)");
    }
}
