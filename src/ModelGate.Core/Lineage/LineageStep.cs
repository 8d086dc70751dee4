using ModelGate.Core.Spectral;

namespace ModelGate.Core.Lineage;

/// <summary>
/// The state of a lineage after release <see cref="Step"/>: what has accumulated since the base (cumulative) and
/// what this release added on top of the one before (new).
/// </summary>
public sealed record LineageStep
{
    /// <summary>1-based position of the release in training order.</summary>
    public required int Step { get; init; }

    /// <summary>The adapter folder of this release.</summary>
    public required string Adapter { get; init; }

    /// <summary>Every analysed weight changed by releases 1..i, ordered by name.</summary>
    public required IReadOnlyList<LineageModule> Modules { get; init; }

    /// <summary>
    /// The full analysis of base + releases 1..i against the base (what <c>analyze</c> prints for this prefix);
    /// null when none of these releases changes a weight that <see cref="AnalysisSettings.Modules"/> selects.
    /// </summary>
    public IntruderReport? Cumulative { get; init; }

    /// <summary>The paper's full-SVD analysis of each weight release i changes, against the weight after release i−1.</summary>
    public IReadOnlyList<ModuleIntruders> NewDetails { get; init; } = [];

    /// <summary>
    /// How much the cumulative total moved with this release (against the step before; the base counts 0). The number
    /// a rule such as "no more than +N cumulative intruders per release" reads.
    /// </summary>
    public required int Growth { get; init; }

    /// <summary>Whether the cumulative total went up with this release.</summary>
    public bool Grew => Growth > 0;

    public int TotalCumulative => Modules.Sum(m => m.Cumulative);

    public int TotalNew => Modules.Sum(m => m.New);

    public IReadOnlyList<LineageLayer> Layers =>
        Modules.GroupBy(m => m.Layer)
            .OrderBy(g => g.Key ?? int.MaxValue)
            .Select(g => new LineageLayer(g.Key, g.Sum(m => m.Cumulative), g.Sum(m => m.New)))
            .ToArray();
}
