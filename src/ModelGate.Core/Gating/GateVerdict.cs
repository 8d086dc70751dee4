namespace ModelGate.Core.Gating;

/// <summary>The gate's decision: the worst rule's status, and what it means for the release under <see cref="FailOn"/>.</summary>
public sealed record GateVerdict(RuleStatus Status, FailOn FailOn, IReadOnlyList<RuleResult> Rules, int TotalIntruders)
{
    /// <summary>0 = release allowed, 1 = gate failed (a fail, or a warn under <see cref="FailOn.Warn"/>; never under <see cref="FailOn.Never"/>).</summary>
    public int ExitCode => Blocks(Status, FailOn) ? 1 : 0;

    public bool Allowed => ExitCode == 0;

    public static bool Blocks(RuleStatus status, FailOn failOn) => failOn switch
    {
        FailOn.Never => false,
        FailOn.Warn => status >= RuleStatus.Warn,
        _ => status == RuleStatus.Fail,
    };

    public static GateVerdict From(IReadOnlyList<RuleResult> rules, FailOn failOn, int totalIntruders) =>
        new(rules.Count == 0 ? RuleStatus.Pass : rules.Max(r => r.Status), failOn, rules, totalIntruders);
}
