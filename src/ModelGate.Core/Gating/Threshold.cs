using System.Globalization;

namespace ModelGate.Core.Gating;

/// <summary>
/// Warn and fail levels of one rule. A rule is WARN when the observed value is above <see cref="Warn"/> and FAIL when
/// it is above <see cref="Fail"/>; a level left out (null) never triggers. In a policy file a plain number is the fail level.
/// </summary>
public sealed record Threshold(double? Warn, double? Fail)
{
    public static Threshold FailAbove(double fail) => new(null, fail);

    public RuleStatus Evaluate(double observed) =>
        Fail is { } f && observed > f ? RuleStatus.Fail
        : Warn is { } w && observed > w ? RuleStatus.Warn
        : RuleStatus.Pass;

    /// <summary>The level the status crossed, or the strictest level for a pass: what a message compares against.</summary>
    public string Describe(RuleStatus status)
    {
        var inv = CultureInfo.InvariantCulture;
        return status switch
        {
            RuleStatus.Fail => $"above the fail level {Fail!.Value.ToString(inv)}",
            RuleStatus.Warn => $"above the warn level {Warn!.Value.ToString(inv)}",
            _ when Warn is { } w => $"within the warn level {w.ToString(inv)}",
            _ when Fail is { } f => $"within the fail level {f.ToString(inv)}",
            _ => "no level set",
        };
    }
}
