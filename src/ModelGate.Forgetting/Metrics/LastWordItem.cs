namespace ModelGate.Forgetting.Metrics;

/// <summary>A context and the word that follows it (scored as the continuation " " + word, as lm-eval's target).</summary>
public sealed record LastWordItem(string Context, string Word);
