using ModelGate.Core.Forgetting;

namespace ModelGate.Forgetting.Metrics;

/// <summary>
/// The batched, length-bucketed pass against the plain loop (one sequence per forward pass, no padding) on the same
/// sequences of the same model: throughput of each, the ratio, and how far their log-probabilities differ.
/// </summary>
public sealed record ForgettingBenchmarkResult(
    string ModelType,
    string Device,
    string DType,
    int Sequences,
    int BatchSize,
    ScoringThroughput Batched,
    ScoringThroughput Reference,
    double MaxAbsLogProbDifference)
{
    public double Speedup => Reference.TokensPerSecond > 0 ? Batched.TokensPerSecond / Reference.TokensPerSecond : 0;
}
