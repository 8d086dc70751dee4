namespace ModelGate.Core.Gating;

/// <summary>
/// Everything the gate decides by (the policy file's shape, docs/policy.md). Built from the embedded default with a
/// user's file laid over it (<see cref="GatePolicyLoader"/>), then command-line and environment overrides.
/// </summary>
public sealed record GatePolicy
{
    public AnalysisPolicy Analysis { get; init; } = new();
    public FailOn FailOn { get; init; } = FailOn.Fail;
    public IntruderPolicy Intruders { get; init; } = new();

    /// <summary>A previous verdict (or <c>analyze --format json</c> report) to measure growth against; null: none.</summary>
    public string? Baseline { get; init; }

    public ForgettingPolicy Forgetting { get; init; } = new();

    public ProvenancePolicy Provenance { get; init; } = new();

    /// <summary>Where the policy came from, for the report: the file's path, or the built-in default.</summary>
    public string Source { get; init; } = GatePolicyLoader.DefaultSource;
}
