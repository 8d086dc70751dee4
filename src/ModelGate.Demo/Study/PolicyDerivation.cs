using ModelGate.Core.Gating;

namespace ModelGate.Demo.Study;

/// <summary>
/// Derives intruder levels for the built-in policy from a study: every run whose held-out prose perplexity rose above
/// the policy's forgetting fail level counts as forgetting, the rest as not, and each intruder measure's levels are
/// <see cref="SeparatingLevel"/>s. Also scores the built-in policy's own intruder rules against the same split.
/// </summary>
public sealed record PolicyDerivation(double ForgettingFailPct, int Forgetting, int NotForgetting, IReadOnlyList<SeparatingLevel> Levels,
    int ForgettingBlockedByDefault, int NotForgettingPassedByDefault)
{
    public static PolicyDerivation From(StudyResults results, GatePolicy policy)
    {
        ArgumentNullException.ThrowIfNull(results);
        ArgumentNullException.ThrowIfNull(policy);
        var failPct = policy.Forgetting.PerplexityIncreasePct?.Fail ?? 0;
        var forgets = results.Runs.ToLookup(r => r.Measurement.ForgettingPct > failPct);
        SeparatingLevel Level(string measure, Func<RunMeasurement, int> value) => new(measure,
            forgets[false].Select(r => (int?)value(r.Measurement)).Max(), forgets[true].Select(r => (int?)value(r.Measurement)).Min());

        return new PolicyDerivation(failPct, forgets[true].Count(), forgets[false].Count(),
            [Level("total", m => m.IntrudersTotal), Level("per module (largest)", m => m.IntrudersMaxPerModule), Level("per layer (largest)", m => m.IntrudersMaxPerLayer)],
            forgets[true].Count(r => BlocksOnIntruders(policy.Intruders, r.Measurement)), forgets[false].Count(r => !BlocksOnIntruders(policy.Intruders, r.Measurement)));
    }

    /// <summary>Whether the policy's intruder rules would FAIL this run: the gate's MG0001–MG0003 on the study's numbers (every per-module entry taken as matching every module).</summary>
    public static bool BlocksOnIntruders(IntruderPolicy rules, RunMeasurement run)
    {
        ArgumentNullException.ThrowIfNull(rules);
        ArgumentNullException.ThrowIfNull(run);
        return rules.Total?.Evaluate(run.IntrudersTotal) == RuleStatus.Fail
            || rules.PerModule.Any(m => m.Threshold.Evaluate(run.IntrudersMaxPerModule) == RuleStatus.Fail)
            || rules.PerLayer?.Evaluate(run.IntrudersMaxPerLayer) == RuleStatus.Fail;
    }
}
