namespace ModelGate.Core.Gating;

/// <summary>
/// What repair would let a blocked release through, as far as it is known without measuring forgetting: the adapter
/// recounted after the exact repair at each λ tried, and whether forgetting rules blocked too (then only a
/// measurement per λ can tell which repair passes; none is claimed here).
/// </summary>
public sealed record RepairAdvice
{
    /// <summary>The recounts, largest λ (smallest repair) first; empty when no intruder rule blocked.</summary>
    public required IReadOnlyList<RepairRecount> Recounts { get; init; }

    /// <summary>Whether a forgetting rule blocked the release.</summary>
    public required bool ForgettingBlocked { get; init; }

    /// <summary>The smallest repair (largest λ) after which the intruder rules pass; null when none tried does, or none blocked.</summary>
    public double? IntrudersPassAt => Recounts.FirstOrDefault(r => r.IntruderRulesPass)?.Lambda;

    /// <summary>The λ a repair is recounted at: the steps of a sweep, without 1 (no repair).</summary>
    public static IReadOnlyList<double> Lambdas { get; } = [0.75, 0.5, 0.25, 0];
}
