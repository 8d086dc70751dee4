namespace ModelGate.Forgetting.Metrics.Tasks;

/// <summary>
/// <c>arc_easy</c> and <c>arc_challenge</c>: lm_eval/tasks/arc/arc_easy.yaml (arc_challenge.yaml includes it with
/// another dataset_name): "Question: {{question}}\nAnswer:", choices = choices.text, gold = choices.label.index(answerKey).
/// </summary>
public sealed class Arc(string name, string config) : MultipleChoiceFormat
{
    public override string Name => name;

    public override HubDataset Dataset { get; } = new("allenai/ai2_arc", config, "test");

    public override MultipleChoiceItem Item(DatasetRow row)
    {
        ArgumentNullException.ThrowIfNull(row);
        var question = row.Text("question");
        var texts = row.Texts("choices.text");
        var labels = row.Texts("choices.label");
        if (labels.Count != texts.Count)
        {
            throw row.Error($"choices.label has {labels.Count} labels for {texts.Count} choices.text");
        }

        var answer = row.Text("answerKey");
        var gold = labels.ToList().IndexOf(answer);
        if (gold < 0)
        {
            throw row.Error($"answerKey '{answer}' is not one of the labels {string.Join(", ", labels)}");
        }

        return new MultipleChoiceItem($"Question: {question}\nAnswer:", texts, gold);
    }
}
