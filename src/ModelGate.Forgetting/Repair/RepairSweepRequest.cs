using ModelGate.Core.Gating;
using ModelGate.Core.Repair;
using ModelGate.Forgetting.Metrics;

namespace ModelGate.Forgetting.Repair;

/// <summary>One repair sweep as a front end builds it: the adapter, the λ values to try, what to measure and the policy that decides.</summary>
public sealed record RepairSweepRequest
{
    /// <summary>The base model folder.</summary>
    public required string BaseModel { get; init; }

    /// <summary>The one adapter folder to repair.</summary>
    public required string Adapter { get; init; }

    /// <summary>The λ values to try, in the order the report lists them.</summary>
    public required IReadOnlyList<double> Lambdas { get; init; }

    /// <summary>The forgetting measurement (corpus, tasks, device, dtype, windows); its adapters are the repaired ones.</summary>
    public required ForgettingRequest Forgetting { get; init; }

    /// <summary>Held-out text of the adapter's own task, for the task cost; null: no task cost, the largest passing λ wins.</summary>
    public string? TaskCorpus { get; init; }

    /// <summary>The policy whose forgetting rules (and failOn) decide which λ passes.</summary>
    public GatePolicy Policy { get; init; } = GatePolicyLoader.Default;

    /// <summary>What an intruder is and which modules are repaired; its λ, dry run and force are the sweep's own.</summary>
    public MitigationSettings Mitigation { get; init; } = new();

    /// <summary>Where the chosen repair is written.</summary>
    public required string OutputFolder { get; init; }

    /// <summary>Replace a non-empty output folder, once the chosen repair is complete.</summary>
    public bool Force { get; init; }

    public string Device { get; init; } = "auto";
}
