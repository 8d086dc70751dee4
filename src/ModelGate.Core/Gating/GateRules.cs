using System.Globalization;
using ModelGate.Core.Lineage;
using ModelGate.Core.Provenance;
using ModelGate.Core.Spectral;

namespace ModelGate.Core.Gating;

/// <summary>
/// Evaluates a policy's rules on an analysis (and a baseline, and forgetting observations). Per-module and per-layer
/// rules give one result per target that warns or fails; when none does, one passing result for the worst target,
/// so every configured rule shows in the verdict with the value it was held to.
/// </summary>
public static class GateRules
{
    private static readonly CultureInfo Inv = CultureInfo.InvariantCulture;

    public static IReadOnlyList<RuleResult> Evaluate(GatePolicy policy, IntruderReport analysis, GateBaseline? baseline,
        IReadOnlyList<ForgettingObservation> forgetting, IReadOnlyList<AdapterProvenance>? provenance = null, LineageReport? lineage = null)
    {
        var rules = new List<RuleResult>();
        var intruders = policy.Intruders;
        if (intruders.Total is { } total)
        {
            var observed = analysis.TotalIntruders;
            var status = total.Evaluate(observed);
            rules.Add(new RuleResult(RuleIds.Total, status, observed, total.Warn, total.Fail, null,
                $"{Count(observed)} in total, {total.Describe(status)}"));
        }

        foreach (var entry in intruders.PerModule)
        {
            var matched = analysis.Modules.Where(m => entry.Match.Matches(m.Name)).ToArray();
            if (matched.Length == 0)
            {
                continue;
            }

            rules.AddRange(PerTarget(RuleIds.PerModule, entry.Threshold,
                matched.Select(m => (m.Name, m.Intruders)).ToArray(),
                (name, n, how) => $"{Count(n)} in {name}, {how}",
                (name, n, how) => $"at most {Count(n)} in one of {matched.Length} modules matching '{entry.Match}' ({name}), {how}")
                .Select(r => r with { Match = entry.Match.Text }));
        }

        if (intruders.PerLayer is { } perLayer)
        {
            var layers = analysis.Layers.Where(l => l.Layer is not null).Select(l => ($"layer {l.Layer!.Value.ToString(Inv)}", l.Intruders)).ToArray();
            if (layers.Length > 0)
            {
                rules.AddRange(PerTarget(RuleIds.PerLayer, perLayer, layers,
                    (name, n, how) => $"{Count(n)} in {name}, {how}",
                    (name, n, how) => $"at most {Count(n)} in one of {layers.Length} layers ({name}), {how}"));
            }
        }

        if (intruders.Growth is { } growth && baseline is not null)
        {
            var observed = analysis.TotalIntruders - baseline.TotalIntruders;
            var status = growth.Evaluate(observed);
            rules.Add(new RuleResult(RuleIds.Growth, status, observed, growth.Warn, growth.Fail, null,
                $"{Signed(observed)} against the baseline's {baseline.TotalIntruders} ({analysis.TotalIntruders} now), {growth.Describe(status)}"));
        }

        if (intruders.LineageGrowth is { } lineageGrowth && lineage is { Steps.Count: > 0 })
        {
            rules.Add(LineageGrowth(lineageGrowth, lineage));
        }

        rules.AddRange(Forgetting(policy.Forgetting, forgetting));

        foreach (var p in provenance ?? [])
        {
            if (policy.Provenance.BaseMismatch is { } mismatch)
            {
                rules.Add(Finding(RuleIds.BaseMismatch, mismatch, p.BaseMatch == BaseMatch.Mismatch, p.Adapter,
                    p.BaseMatch == BaseMatch.Unknown ? $"base unknown: {p.BaseFinding}" : p.BaseFinding));
            }

            if (policy.Provenance.ZeroUpdate is { } zero)
            {
                rules.Add(Finding(RuleIds.ZeroUpdate, zero, p.ZeroUpdate, p.Adapter, p.ZeroUpdate
                    ? $"{p.Adapter}: every lora_B weight is zero, so the adapter changes nothing (saved before training?); its 0 intruders say nothing about a trained adapter"
                    : $"{p.Adapter}: the update is not numerically zero"));
            }
        }

        return rules;
    }

    /// <summary>
    /// The cumulative total's growth across the chain: after the last release (the one under test) against after the
    /// first. The first release's own intruders were its own gate's to judge; this is what continual fine-tuning added.
    /// </summary>
    private static RuleResult LineageGrowth(Threshold threshold, LineageReport lineage)
    {
        var (first, last) = (lineage.Steps[0], lineage.Steps[^1]);
        var observed = last.TotalCumulative - first.TotalCumulative;
        var status = threshold.Evaluate(observed);
        return new RuleResult(RuleIds.LineageGrowth, status, observed, threshold.Warn, threshold.Fail, null,
            $"{Signed(observed)} cumulative across {lineage.Steps.Count.ToString(Inv)} releases ({first.TotalCumulative.ToString(Inv)} after {first.Adapter}, " +
            $"{last.TotalCumulative.ToString(Inv)} after {last.Adapter}), {threshold.Describe(status)}");
    }

    /// <summary>The forgetting rules alone: one result per observation whose metric the policy limits.</summary>
    public static IReadOnlyList<RuleResult> Forgetting(ForgettingPolicy policy, IReadOnlyList<ForgettingObservation> forgetting)
    {
        ArgumentNullException.ThrowIfNull(policy);
        ArgumentNullException.ThrowIfNull(forgetting);
        return [.. forgetting.Where(o => policy.ThresholdFor(o.Metric) is not null).Select(o => Forgetting(o, policy.ThresholdFor(o.Metric)!))];
    }

    /// <summary>
    /// A provenance finding, one per adapter: observed 1 when found, 0 when not, held to a level of 0 at the status
    /// the policy gives it, so the verdict reads like the count rules (above 0 → that status).
    /// </summary>
    private static RuleResult Finding(string id, RuleStatus level, bool found, string adapter, string message) =>
        new(id, found ? level : RuleStatus.Pass, found ? 1 : 0, level == RuleStatus.Warn ? 0 : null, level == RuleStatus.Fail ? 0 : null, adapter, message);

    /// <summary>
    /// FAIL only when the whole interval is above the fail level (CiLow > fail); WARN when the point estimate is above
    /// the warn level, or above the fail level without an interval that clears it; PASS otherwise. A missing or
    /// zero-width interval (one unit, deltas that never varied) proves nothing, so without one a rule warns at most.
    /// </summary>
    public static RuleResult Forgetting(ForgettingObservation o, Threshold t)
    {
        var ci = o.Interval;
        var status = t.Fail is { } f && ci is { } clears && clears.Low > f ? RuleStatus.Fail
            : (t.Warn is { } w && o.Delta > w) || (t.Fail is { } f2 && o.Delta > f2) ? RuleStatus.Warn
            : RuleStatus.Pass;
        var interval = ci is { } i ? $"[{i.Low.ToString("0.###", Inv)}, {i.High.ToString("0.###", Inv)}]" : null;
        var aside = interval is null ? $"no interval: {o.NoIntervalReason}" : $"interval {interval}";
        var how = status switch
        {
            RuleStatus.Fail => $"its interval {interval} is above the fail level {t.Fail!.Value.ToString(Inv)}",
            RuleStatus.Warn when t.Fail is { } f3 && o.Delta > f3 => interval is null
                ? $"above the fail level {f3.ToString(Inv)}, but with no interval to show it is not noise ({o.NoIntervalReason})"
                : $"above the fail level {f3.ToString(Inv)}, but its interval {interval} does not clear it",
            RuleStatus.Warn => $"above the warn level {t.Warn!.Value.ToString(Inv)} ({aside})",
            _ => $"{t.Describe(RuleStatus.Pass)} ({aside})",
        };
        return new RuleResult("forgetting." + o.Metric, status, o.Delta, t.Warn, t.Fail, $"{o.Metric} on {o.Dataset}",
            $"{o.Metric} on {o.Dataset}: {Signed(o.Delta)} (base {o.Base.ToString("0.####", Inv)}, merged {o.Merged.ToString("0.####", Inv)}), {how}")
        {
            Interval = ci,
        };
    }

    private static IEnumerable<RuleResult> PerTarget(string id, Threshold threshold, IReadOnlyList<(string Name, int Count)> targets,
        Func<string, int, string, string> message, Func<string, int, string, string> passMessage)
    {
        var flagged = targets.Select(t => (t.Name, t.Count, Status: threshold.Evaluate(t.Count)))
            .Where(t => t.Status > RuleStatus.Pass)
            .OrderByDescending(t => t.Status).ThenByDescending(t => t.Count).ThenBy(t => t.Name, StringComparer.Ordinal)
            .ToArray();
        if (flagged.Length > 0)
        {
            return flagged.Select(t => new RuleResult(id, t.Status, t.Count, threshold.Warn, threshold.Fail, t.Name,
                message(t.Name, t.Count, threshold.Describe(t.Status))));
        }

        var worst = targets.OrderByDescending(t => t.Count).ThenBy(t => t.Name, StringComparer.Ordinal).First();
        return [new RuleResult(id, RuleStatus.Pass, worst.Count, threshold.Warn, threshold.Fail, worst.Name,
            passMessage(worst.Name, worst.Count, threshold.Describe(RuleStatus.Pass)))];
    }

    private static string Count(int n) => n == 1 ? "1 intruder dimension" : $"{n.ToString(Inv)} intruder dimensions";

    private static string Signed(double v) => v > 0 ? "+" + v.ToString("0.####", Inv) : v.ToString("0.####", Inv);
}
