namespace ModelGate.Core.Gating;

/// <summary>One rule evaluated on one target: what was observed, the levels it was held to, and the outcome.</summary>
/// <param name="Id">The policy key (<see cref="RuleIds"/>).</param>
/// <param name="Status">Pass, warn or fail: where <paramref name="Observed"/> falls against the levels.</param>
/// <param name="Observed">The value the rule measured (intruder count, growth, forgetting delta).</param>
/// <param name="Warn">Above this the rule warns; null when the policy sets no warn level.</param>
/// <param name="Fail">Above this the rule fails; null when the policy sets no fail level.</param>
/// <param name="Target">What the rule looked at: a module, "layer 3", a metric on a dataset; null for the whole adapter.</param>
/// <param name="Message">One line saying what was observed against which level, as the report prints it.</param>
public sealed record RuleResult(string Id, RuleStatus Status, double Observed, double? Warn, double? Fail, string? Target, string Message)
{
    public string Code => RuleIds.CodeOf(Id);

    /// <summary>For per-module rules, the policy's <c>match</c> that selected the target.</summary>
    public string? Match { get; init; }

    /// <summary>For forgetting rules, the interval the decision read.</summary>
    public (double Low, double High)? Interval { get; init; }
}
