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
/// <param name="CiLow">Lower end of the paired-bootstrap interval of <paramref name="Delta"/>.</param>
/// <param name="CiHigh">Upper end of the paired-bootstrap interval of <paramref name="Delta"/>.</param>
public sealed record ForgettingObservation(string Metric, string Dataset, double Base, double Merged, double Delta, double CiLow, double CiHigh);
