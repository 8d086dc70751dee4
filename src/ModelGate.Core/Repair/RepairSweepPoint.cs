using ModelGate.Core.Forgetting;
using ModelGate.Core.Gating;

namespace ModelGate.Core.Repair;

/// <summary>One λ of a repair sweep: the repaired adapter's intruders, its forgetting, the policy's verdict on it and its task cost.</summary>
public sealed record RepairSweepPoint
{
    /// <summary>The scale given to every intruder's singular value.</summary>
    public required double Lambda { get; init; }

    /// <summary>The intruders the repaired adapter still has (a recount, as <c>mitigate</c> reports after writing).</summary>
    public required int Intruders { get; init; }

    /// <summary>The base against the base with the repaired adapter merged, on the sweep's corpus and tasks.</summary>
    public required ForgettingReport Forgetting { get; init; }

    /// <summary>The policy's forgetting rules evaluated on <see cref="Forgetting"/>, as the gate evaluates them.</summary>
    public required IReadOnlyList<RuleResult> Rules { get; init; }

    /// <summary>Whether <see cref="Rules"/> let the release through under the policy's failOn.</summary>
    public required bool Passes { get; init; }

    /// <summary>
    /// How much of the adapter's own task the repair gives up: the perplexity increase (%) on held-out task text
    /// against the adapter as trained (λ = 1); null when no task text was given.
    /// </summary>
    public double? TaskCost { get; init; }
}
