namespace ModelGate.Core.Gating;

/// <summary>The policy's <c>intruders</c> section; a null threshold turns its rule off.</summary>
public sealed record IntruderPolicy
{
    /// <summary>Limit on the sum over all analysed modules (MG0001).</summary>
    public Threshold? Total { get; init; }

    /// <summary>Limits on each single module whose name matches (MG0002); every entry applies to every module it matches.</summary>
    public IReadOnlyList<ModuleThreshold> PerModule { get; init; } = [];

    /// <summary>Limit on each transformer block's sum (MG0003).</summary>
    public Threshold? PerLayer { get; init; }

    /// <summary>Limit on the growth of the total against the baseline (MG0004); evaluated only with a baseline.</summary>
    public Threshold? Growth { get; init; }

    /// <summary>
    /// Limit on the growth of the cumulative total across a chain of releases (MG0005): after the release under test
    /// against after the chain's first release; evaluated only when the earlier releases are given.
    /// </summary>
    public Threshold? LineageGrowth { get; init; }
}
