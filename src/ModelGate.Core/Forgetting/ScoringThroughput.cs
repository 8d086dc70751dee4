namespace ModelGate.Core.Forgetting;

/// <summary>Tokens through the model (padding excluded) and the wall time of the forward passes that took them.</summary>
public sealed record ScoringThroughput(long Tokens, TimeSpan Elapsed)
{
    public static ScoringThroughput Zero { get; } = new(0, TimeSpan.Zero);

    public double TokensPerSecond => Elapsed > TimeSpan.Zero ? Tokens / Elapsed.TotalSeconds : 0;

    public ScoringThroughput Add(ScoringThroughput other) => new(Tokens + other.Tokens, Elapsed + other.Elapsed);
}
