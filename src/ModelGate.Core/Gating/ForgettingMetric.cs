namespace ModelGate.Core.Gating;

/// <summary>The forgetting metrics a policy can limit (<see cref="ForgettingObservation.Metric"/> is one of these).</summary>
public static class ForgettingMetric
{
    /// <summary>Perplexity of the merged model over the base's on a held-out corpus, in percent (+5 = 5 % higher).</summary>
    public const string PerplexityIncreasePct = "perplexityIncreasePct";

    /// <summary>Increase of the mean pseudo-log-likelihood loss (masked language models), in nats per token.</summary>
    public const string PseudoLossIncrease = "pseudoLossIncrease";

    /// <summary>Drop of a multiple-choice task's accuracy, in percentage points (base − merged).</summary>
    public const string AccuracyDropPts = "accuracyDropPts";

    public static IReadOnlyList<string> All { get; } = [PerplexityIncreasePct, PseudoLossIncrease, AccuracyDropPts];
}
