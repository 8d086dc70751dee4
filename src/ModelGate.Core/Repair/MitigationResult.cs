using ModelGate.Core.Spectral;

namespace ModelGate.Core.Repair;

/// <summary>The repaired adapter (or, on a dry run, what it would be) and the counts before and after.</summary>
public sealed record MitigationResult(
    string? OutputFolder,
    IReadOnlyList<ModuleMitigation> Modules,
    IntruderReport Before,
    IntruderReport? After);
