namespace ModelGate.Demo.Study;

/// <summary>
/// One trained run measured against the base it was trained from: intruder dimensions (total, the largest module's and
/// the largest transformer block's count), forgetting (held-out prose perplexity of base and tuned model) and task loss
/// (mean next-token loss on held-out code of the tuned model; the base's for scale). Perplexities are point values.
/// </summary>
public sealed record RunMeasurement
{
    public required int IntrudersTotal { get; init; }
    public required int IntrudersMaxPerModule { get; init; }
    public required int IntrudersMaxPerLayer { get; init; }
    public required int ModulesAnalysed { get; init; }
    public required double ProsePerplexityBase { get; init; }
    public required double ProsePerplexity { get; init; }
    public required double CodeLossBase { get; init; }
    public required double CodeLoss { get; init; }

    /// <summary>Held-out prose perplexity increase in percent: the gate's <c>perplexityIncreasePct</c>.</summary>
    public double ForgettingPct => 100 * (ProsePerplexity / ProsePerplexityBase - 1);
}
