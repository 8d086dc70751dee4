using ModelGate.Core.Lineage;
using ModelGate.Core.Provenance;
using ModelGate.Core.Spectral;

namespace ModelGate.Core.Gating;

/// <summary>What a gate run produced: the verdict, the analysis it read, and what it compared against.</summary>
public sealed record GateResult
{
    public required GateVerdict Verdict { get; init; }
    public required IntruderReport Analysis { get; init; }

    /// <summary>The policy the run was held to (after overrides).</summary>
    public required GatePolicy Policy { get; init; }

    public GateBaseline? Baseline { get; init; }

    /// <summary>Growth of the total against the baseline; null without one.</summary>
    public int? Growth => Baseline is null ? null : Analysis.TotalIntruders - Baseline.TotalIntruders;

    public IReadOnlyList<ForgettingObservation> Forgetting { get; init; } = [];

    /// <summary>Each adapter's origin held against the base given, in the adapters' order; empty when not inspected.</summary>
    public IReadOnlyList<AdapterProvenance> Provenance { get; init; } = [];

    /// <summary>The chain of releases ending with the adapters under test, when earlier releases were given (the lineage rule); else null.</summary>
    public LineageReport? Lineage { get; init; }

    /// <summary>Which repair would pass, when the release was blocked and the request asked; else null.</summary>
    public RepairAdvice? Repair { get; init; }

    public required GateRunInfo Run { get; init; }

    /// <summary>Things the reader should know that are not rule outcomes (baseline counted with another k, ...).</summary>
    public IReadOnlyList<string> Warnings { get; init; } = [];
}
