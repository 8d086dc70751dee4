namespace ModelGate.Core.Forgetting;

/// <summary>
/// One metric of one dataset for the base and the merged model. <see cref="Delta"/> is signed so that positive
/// means the merged model is worse (more perplexity, less accuracy); [<see cref="CiLow"/>, <see cref="CiHigh"/>]
/// is its paired-bootstrap interval, both null when there is none (<see cref="IntervalUnavailable"/> says why).
/// Metrics named like the policy keys (<see cref="ForgettingMetricNames"/>) are the ones the gate judges.
/// </summary>
public sealed record ForgettingMetric(string Dataset, string Metric, double Base, double Merged, double Delta, double? CiLow, double? CiHigh)
{
    public bool IsGated => ForgettingMetricNames.Gated.Contains(Metric);

    /// <summary>Why <see cref="CiLow"/> and <see cref="CiHigh"/> are null; null when there is an interval.</summary>
    public string? IntervalUnavailable { get; init; }

    /// <summary>
    /// The smallest |Δ| this data would detect (two-sided α = 0.05, power 0.8) given how much the per-unit deltas vary,
    /// in the metric's unit; null with fewer than two units or deltas that do not vary.
    /// </summary>
    public double? MinimumDetectableEffect { get; init; }

    /// <summary>Multiple-choice accuracies: the paired exact McNemar test beside the bootstrap; null for other metrics.</summary>
    public McNemarResult? McNemar { get; init; }
}
