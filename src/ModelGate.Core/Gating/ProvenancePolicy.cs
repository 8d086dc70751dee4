namespace ModelGate.Core.Gating;

/// <summary>
/// The policy's <c>provenance</c> section: the status each finding about an adapter's origin gets (warn or fail);
/// null turns its rule off.
/// </summary>
public sealed record ProvenancePolicy
{
    /// <summary>The adapter's config names another base (or revision) than the one given (MG0201).</summary>
    public RuleStatus? BaseMismatch { get; init; }

    /// <summary>The adapter's update is numerically zero: every lora_B is zero and nothing else changes (MG0202).</summary>
    public RuleStatus? ZeroUpdate { get; init; }
}
