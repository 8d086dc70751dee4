namespace ModelGate.Core.Gating;

/// <summary>
/// One forgetting measurement of the merged model against the base: <see cref="Delta"/> is oriented so that larger
/// is worse (more forgetting), with its confidence interval [<see cref="CiLow"/>, <see cref="CiHigh"/>].
/// </summary>
/// <param name="Metric">One of <see cref="ForgettingMetric"/>.</param>
/// <param name="Dataset">The corpus or task it was measured on.</param>
public sealed record ForgettingObservation(string Metric, string Dataset, double Base, double Merged, double Delta, double CiLow, double CiHigh);
