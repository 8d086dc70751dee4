namespace ModelGate.Forgetting.Metrics.Tasks;

/// <summary>
/// <c>lambada_openai</c>: lm_eval/tasks/lambada/lambada_openai.yaml (<c>output_type: loglikelihood</c>): the context
/// is the text without its last space-separated word, the target " " + that word; acc is whether greedy decoding
/// gives the whole target, perplexity exp(−mean log-likelihood of the target) over the rows.
/// </summary>
public sealed class LambadaOpenAi : LmEvalTask
{
    public override string Name => "lambada_openai";

    public override HubDataset Dataset { get; } = new("EleutherAI/lambada_openai", "default", "test");

    public static LastWordItem Item(DatasetRow row)
    {
        ArgumentNullException.ThrowIfNull(row);
        // text.split(' '): single spaces, as Python splits with an explicit separator.
        var words = row.Text("text").Split(' ');
        return words.Length >= 2
            ? new LastWordItem(string.Join(' ', words[..^1]), words[^1])
            : throw row.Error("text has no space before a last word to predict");
    }
}
