namespace ModelGate.Forgetting.Metrics.Tasks;

/// <summary>Everything a forgetting measurement scores, read and checked before any model loads.</summary>
/// <param name="Corpora">Perplexity corpora: the held-out corpus, then rolling-perplexity tasks (wikitext).</param>
/// <param name="Tasks">Multiple-choice tasks (acc, acc_norm).</param>
/// <param name="LastWordTasks">Last-word tasks (lambada: greedy acc, perplexity).</param>
public sealed record ForgettingData(IReadOnlyList<TextCorpus> Corpora, IReadOnlyList<MultipleChoiceTask> Tasks, IReadOnlyList<LastWordTask> LastWordTasks)
{
    public bool IsEmpty => Corpora.Count == 0 && Tasks.Count == 0 && LastWordTasks.Count == 0;
}
