using ModelGate.Core.Forgetting;

namespace ModelGate.Core.Gating;

/// <summary>
/// One forgetting measurement of the merged model against the base: <see cref="Delta"/> is oriented so that larger
/// is worse (more forgetting), with its confidence interval [<see cref="CiLow"/>, <see cref="CiHigh"/>].
/// </summary>
/// <param name="Metric">One of <see cref="ForgettingMetric"/>.</param>
/// <param name="Dataset">The corpus or task it was measured on.</param>
/// <param name="Base">The measurement on the base model (perplexity, pseudo-loss or accuracy).</param>
/// <param name="Merged">The same measurement on the base with the adapters merged.</param>
/// <param name="Delta">Merged against base in the metric's unit, positive when the merged model is worse.</param>
/// <param name="CiLow">Lower end of the paired-bootstrap interval of <paramref name="Delta"/>; null when there is none.</param>
/// <param name="CiHigh">Upper end of the paired-bootstrap interval of <paramref name="Delta"/>; null when there is none.</param>
public sealed record ForgettingObservation(string Metric, string Dataset, double Base, double Merged, double Delta, double? CiLow, double? CiHigh)
{
    /// <summary>Why the measurement has no interval (one unit, deltas that never varied); null when it has one.</summary>
    public string? IntervalUnavailable { get; init; }

    /// <summary>The smallest |Δ| the measurement's data would detect (α = 0.05, power 0.8); null when unknown.</summary>
    public double? MinimumDetectableEffect { get; init; }

    /// <summary>
    /// The interval a rule may read: both ends present and apart. A zero-width one is treated as none, whoever built
    /// the observation, so a rule never FAILs on it.
    /// </summary>
    public (double Low, double High)? Interval =>
        CiLow is { } low && CiHigh is { } high && DeltaInterval.HasWidth(low, high) ? (low, high) : null;

    /// <summary>Why <see cref="Interval"/> is null: the measurement's own reason, else that the ends it gave coincide.</summary>
    public string NoIntervalReason => IntervalUnavailable
        ?? (CiLow is null || CiHigh is null ? "no interval was measured" : "its interval has zero width");
}
