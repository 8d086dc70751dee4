namespace ModelGate.Core.Gating;

/// <summary>
/// The policy's <c>forgetting</c> section: where to measure (a held-out corpus, multiple-choice tasks) and the limits
/// on each metric's delta. A rule FAILs only when the interval's lower end is above the fail level (the forgetting is
/// real, not noise), and WARNs when the point estimate is above the warn or fail level but the interval does not clear it.
/// </summary>
public sealed record ForgettingPolicy
{
    /// <summary>A text file or folder of held-out text the base model was good at; null: no perplexity measurement.</summary>
    public string? Corpus { get; init; }

    /// <summary>Multiple-choice task names or files for accuracy measurements.</summary>
    public IReadOnlyList<string> Tasks { get; init; } = [];

    /// <summary>Whether every run measures, or only one whose intruder counts call for it.</summary>
    public ForgettingWhen When { get; init; } = ForgettingWhen.Always;

    /// <summary>Only the first rows of each task, as <c>lm_eval --limit</c> takes them; null: every row.</summary>
    public int? Limit { get; init; }

    /// <summary>The column of a Parquet or JSON(L) corpus that holds the text.</summary>
    public string TextColumn { get; init; } = "text";

    public Threshold? PerplexityIncreasePct { get; init; }
    public Threshold? PseudoLossIncrease { get; init; }
    public Threshold? AccuracyDropPts { get; init; }

    /// <summary>Whether there is anything to measure: a corpus or at least one task.</summary>
    public bool IsEnabled => Corpus is not null || Tasks.Count > 0;

    public Threshold? ThresholdFor(string metric) => metric switch
    {
        ForgettingMetric.PerplexityIncreasePct => PerplexityIncreasePct,
        ForgettingMetric.PseudoLossIncrease => PseudoLossIncrease,
        ForgettingMetric.AccuracyDropPts => AccuracyDropPts,
        _ => null,
    };
}
