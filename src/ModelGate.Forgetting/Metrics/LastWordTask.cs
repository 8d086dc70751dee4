namespace ModelGate.Forgetting.Metrics;

/// <summary>
/// A last-word prediction task (lm-eval's lambada): accuracy is whether greedy decoding gives the word, perplexity
/// exp(−mean log-likelihood of the word) over the items.
/// </summary>
public sealed class LastWordTask(string name, string path, IReadOnlyList<LastWordItem> items, DatasetOrigin origin)
{
    public string Name => name;

    public string Path => path;

    public IReadOnlyList<LastWordItem> Items => items;

    public DatasetOrigin Origin => origin;
}
