namespace ModelGate.Core.Lineage;

/// <summary>
/// Intruder dimensions across a history of releases trained one after another (continual fine-tuning), one step per
/// release. Serialised as the lineage JSON contract (docs/cli/lineage.md).
/// </summary>
public sealed record LineageReport
{
    public required string ToolVersion { get; init; }
    public required string BaseModel { get; init; }

    /// <summary>The adapter folders in training order.</summary>
    public required IReadOnlyList<string> Adapters { get; init; }

    public required int K { get; init; }
    public required double Epsilon { get; init; }
    public string? ModuleFilter { get; init; }

    /// <summary>How the cumulative counts were computed (<see cref="Spectral.AnalysisMethod"/>); new counts always take the full SVD.</summary>
    public required string Method { get; init; }

    public required string Device { get; init; }
    public required TimeSpan Elapsed { get; init; }
    public required IReadOnlyList<LineageStep> Steps { get; init; }
    public IReadOnlyList<string> Warnings { get; init; } = [];

    /// <summary>The cumulative total after the last release.</summary>
    public int TotalCumulative => Steps.Count == 0 ? 0 : Steps[^1].TotalCumulative;

    /// <summary>The largest growth of the cumulative total in one release.</summary>
    public int MaxGrowth => Steps.Count == 0 ? 0 : Steps.Max(s => s.Growth);
}
