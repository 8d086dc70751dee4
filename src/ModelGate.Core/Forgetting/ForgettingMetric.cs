namespace ModelGate.Core.Forgetting;

/// <summary>
/// One metric of one dataset for the base and the merged model. <see cref="Delta"/> is signed so that positive
/// means the merged model is worse (more perplexity, less accuracy); [<see cref="CiLow"/>, <see cref="CiHigh"/>]
/// is its paired-bootstrap interval. Metrics named like the policy keys (<see cref="ForgettingMetricNames"/>) are
/// the ones the gate judges.
/// </summary>
public sealed record ForgettingMetric(string Dataset, string Metric, double Base, double Merged, double Delta, double CiLow, double CiHigh)
{
    public bool IsGated => ForgettingMetricNames.Gated.Contains(Metric);
}
