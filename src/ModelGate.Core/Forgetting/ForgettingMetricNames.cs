namespace ModelGate.Core.Forgetting;

/// <summary>Metric names; the first three are the policy keys of the gate's forgetting section.</summary>
public static class ForgettingMetricNames
{
    /// <summary>Token perplexity, base and merged; Δ = 100·(merged / base − 1).</summary>
    public const string PerplexityIncreasePct = "perplexityIncreasePct";

    /// <summary>Masked LM pseudo-loss −PLL/N in nats per token; Δ = merged − base.</summary>
    public const string PseudoLossIncrease = "pseudoLossIncrease";

    /// <summary>Multiple-choice accuracy (lm-eval <c>acc</c>) in percent; Δ = base − merged, in points.</summary>
    public const string AccuracyDropPts = "accuracyDropPts";

    /// <summary>lm-eval <c>acc_norm</c> (log-likelihood over the choice's length in characters) in percent; Δ = base − merged.</summary>
    public const string AccuracyNormDropPts = "accNormDropPts";

    /// <summary>exp(−Σ log p / words), words as lm-eval counts them (split on whitespace).</summary>
    public const string WordPerplexity = "word_perplexity";

    /// <summary>exp(−Σ log p / UTF-8 bytes).</summary>
    public const string BytePerplexity = "byte_perplexity";

    /// <summary>−Σ log p / UTF-8 bytes / ln 2.</summary>
    public const string BitsPerByte = "bits_per_byte";

    /// <summary>lm-eval's <c>perplexity</c> of a last-word task (lambada): exp(−mean log-likelihood of the word) over the items.</summary>
    public const string Perplexity = "perplexity";

    /// <summary>exp(pseudo-loss).</summary>
    public const string PseudoPerplexity = "pseudo_perplexity";

    public static readonly IReadOnlySet<string> Gated = new HashSet<string>(StringComparer.Ordinal) { PerplexityIncreasePct, PseudoLossIncrease, AccuracyDropPts };
}
