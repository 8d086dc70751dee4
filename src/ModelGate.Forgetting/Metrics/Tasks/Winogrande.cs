namespace ModelGate.Forgetting.Metrics.Tasks;

/// <summary>
/// <c>winogrande</c>: lm_eval/tasks/winogrande/default.yaml with lm_eval/tasks/winogrande/preprocess_winogrande.py,
/// lm-eval's partial evaluation: each choice is the sentence up to the blank with an option filled in (a context of
/// its own), the continuation is the rest of the sentence after the blank, stripped, shared by both; gold = answer "1" → 0, "2" → 1.
/// </summary>
public sealed class Winogrande : MultipleChoiceFormat
{
    public override string Name => "winogrande";

    public override HubDataset Dataset { get; } = new("allenai/winogrande", "winogrande_xl", "validation");

    public override MultipleChoiceItem Item(DatasetRow row)
    {
        ArgumentNullException.ThrowIfNull(row);
        var sentence = row.Text("sentence");
        var blank = sentence.IndexOf('_', StringComparison.Ordinal);
        if (blank < 0)
        {
            throw row.Error("sentence has no blank '_' to fill");
        }

        var gold = row.Text("answer") switch
        {
            "1" => 0,
            "2" => 1,
            var other => throw row.Error($"answer '{other}' is not \"1\" or \"2\""),
        };
        var before = sentence[..blank];
        return new MultipleChoiceItem("", [before + row.Text("option1"), before + row.Text("option2")], gold)
        {
            SharedContinuation = sentence[(blank + 1)..].Trim(),
        };
    }
}
