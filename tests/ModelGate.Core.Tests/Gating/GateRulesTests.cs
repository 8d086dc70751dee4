using ModelGate.Core.Gating;
using ModelGate.Core.Lineage;
using ModelGate.Core.Provenance;
using static ModelGate.Core.Tests.Gating.SampleResults;

namespace ModelGate.Core.Tests.Gating;

public sealed class GateRulesTests
{
    private static readonly GatePolicy Policy = new()
    {
        Intruders = new IntruderPolicy
        {
            Total = new Threshold(0, 4),
            PerModule = [new ModuleThreshold(ModulePattern.Parse("*.q_proj"), new Threshold(0, 2)), new ModuleThreshold(ModulePattern.Parse("regex:mlp"), new Threshold(null, 0))],
            PerLayer = new Threshold(1, 3),
            Growth = new Threshold(0, 2),
        },
        Forgetting = new ForgettingPolicy { PerplexityIncreasePct = new Threshold(2, 5), AccuracyDropPts = Threshold.FailAbove(1) },
    };

    [Fact]
    public void LineageGrowth_ChainOfThreeReleases_HoldsTheCumulativeGrowthAfterTheFirstToTheLevel()
    {
        var policy = Policy with { Intruders = Policy.Intruders with { LineageGrowth = new Threshold(0, 2) } };
        var analysis = Analysis((Q0, 0));
        var lineage = new LineageReport
        {
            ToolVersion = "test", BaseModel = "base", Adapters = ["v1", "v2", "v3"], K = 10, Epsilon = 0.5, Method = "auto", Device = "cpu",
            Elapsed = TimeSpan.Zero,
            Steps = [Step(1, "v1", 4), Step(2, "v2", 5), Step(3, "v3", 7)],
        };

        var rule = Assert.Single(GateRules.Evaluate(policy, analysis, null, [], null, lineage), r => r.Id == RuleIds.LineageGrowth);
        var under = GateRules.Evaluate(policy, analysis, null, [], null, lineage with { Steps = [.. lineage.Steps.Take(2)] }).Single(r => r.Id == RuleIds.LineageGrowth);

        Assert.Equal((RuleStatus.Fail, 3.0, "MG0005"), (rule.Status, rule.Observed, rule.Code));
        Assert.Equal("+3 cumulative across 3 releases (4 after v1, 7 after v3), above the fail level 2", rule.Message);
        Assert.Equal((RuleStatus.Warn, 1.0), (under.Status, under.Observed));
        Assert.DoesNotContain(GateRules.Evaluate(policy, analysis, null, []), r => r.Id == RuleIds.LineageGrowth);
    }

    private static LineageStep Step(int step, string adapter, int cumulative) => new()
    {
        Step = step,
        Adapter = adapter,
        Modules = [new LineageModule(Q0, 0, cumulative, 0, true)],
        Growth = 0,
    };

    [Fact]
    public void CleanAnalysis_PassesEveryRule_AndEachRuleStillShowsItsValue()
    {
        var rules = GateRules.Evaluate(Policy, Analysis((Q0, 0), (V0, 0), (Down0, 0), (Q1, 0)), null, []);

        Assert.Equal([RuleIds.Total, RuleIds.PerModule, RuleIds.PerModule, RuleIds.PerLayer], rules.Select(r => r.Id));
        Assert.All(rules, r => Assert.Equal(RuleStatus.Pass, r.Status));
        Assert.Equal("0 intruder dimensions in total, within the warn level 0", rules[0].Message);
        Assert.Equal("MG0001", rules[0].Code);
    }

    [Fact]
    public void Total_WarnsAboveWarn_FailsAboveFail()
    {
        Assert.Equal(RuleStatus.Warn, Total(Analysis((V0, 4))).Status);
        var fail = Total(Analysis((V0, 3), (V1, 2)));
        Assert.Equal((RuleStatus.Fail, 5.0, 0.0, 4.0), (fail.Status, fail.Observed, fail.Warn!.Value, fail.Fail!.Value));
        Assert.Equal("5 intruder dimensions in total, above the fail level 4", fail.Message);
    }

    [Fact]
    public void PerModule_GivesOneResultPerModuleOverALimit_WorstFirst()
    {
        var rules = GateRules.Evaluate(Policy, Analysis((Q0, 1), (Q1, 3), (V0, 5)), null, []).Where(r => r.Id == RuleIds.PerModule).ToArray();

        Assert.Equal([(Q1, RuleStatus.Fail, 3.0), (Q0, RuleStatus.Warn, 1.0)], rules.Select(r => (r.Target, r.Status, r.Observed)));
        Assert.All(rules, r => Assert.Equal("*.q_proj", r.Match));
        Assert.Equal($"3 intruder dimensions in {Q1}, above the fail level 2", rules[0].Message);
    }

    [Fact]
    public void PerModule_WhenNoModuleIsOver_OnePassNamesTheWorst_AndAnEntryMatchingNothingIsSkipped()
    {
        var policy = Policy with { Intruders = Policy.Intruders with { PerModule = [new ModuleThreshold(ModulePattern.Parse("*.v_proj"), new Threshold(1, 2)), new ModuleThreshold(ModulePattern.Parse("*.lm_head"), Threshold.FailAbove(0))] } };

        var rule = Assert.Single(GateRules.Evaluate(policy, Analysis((V0, 1), (V1, 0)), null, []), r => r.Id == RuleIds.PerModule);

        Assert.Equal((RuleStatus.Pass, V0, 1.0), (rule.Status, rule.Target, rule.Observed));
        Assert.Contains("in one of 2 modules matching '*.v_proj'", rule.Message);
    }

    [Fact]
    public void PerLayer_SumsEachBlock()
    {
        var rules = GateRules.Evaluate(Policy, Analysis((Q0, 2), (V0, 2), (Q1, 2)), null, []).Where(r => r.Id == RuleIds.PerLayer).ToArray();

        Assert.Equal([("layer 0", RuleStatus.Fail, 4.0), ("layer 1", RuleStatus.Warn, 2.0)], rules.Select(r => (r.Target!, r.Status, r.Observed)));
    }

    [Fact]
    public void Growth_IsEvaluatedOnlyAgainstABaseline()
    {
        var analysis = Analysis((V0, 4), (V1, 2));
        Assert.DoesNotContain(GateRules.Evaluate(Policy, analysis, null, []), r => r.Id == RuleIds.Growth);

        var baseline = new GateBaseline { Path = "v1.json", Kind = "verdict", TotalIntruders = 3 };
        var growth = Assert.Single(GateRules.Evaluate(Policy, analysis, baseline, []), r => r.Id == RuleIds.Growth);

        Assert.Equal((RuleStatus.Fail, 3.0, "MG0004"), (growth.Status, growth.Observed, growth.Code));
        Assert.Equal("+3 against the baseline's 3 (6 now), above the fail level 2", growth.Message);
        Assert.Equal(RuleStatus.Warn, GateRules.Evaluate(Policy, analysis, baseline with { TotalIntruders = 5 }, []).Single(r => r.Id == RuleIds.Growth).Status);
        Assert.Equal(RuleStatus.Pass, GateRules.Evaluate(Policy, analysis, baseline with { TotalIntruders = 9 }, []).Single(r => r.Id == RuleIds.Growth).Status);
    }

    [Theory]
    [InlineData(6.0, 5.5, 7.0, RuleStatus.Fail)]  // the whole interval above fail 5: real forgetting
    [InlineData(6.0, 4.0, 8.0, RuleStatus.Warn)]  // point above fail, interval straddles it: not proven
    [InlineData(3.0, 2.5, 3.5, RuleStatus.Warn)]  // above warn 2 only
    [InlineData(1.0, -0.5, 2.5, RuleStatus.Pass)]
    public void Forgetting_FailsOnlyWhenTheIntervalClearsTheFailLevel(double delta, double low, double high, RuleStatus expected)
    {
        var o = new ForgettingObservation(ForgettingMetric.PerplexityIncreasePct, "wikitext", 20, 20 * (1 + (delta / 100)), delta, low, high);

        var rule = Assert.Single(GateRules.Evaluate(Policy, Analysis((V0, 0)), null, [o]), r => r.Id == RuleIds.PerplexityIncreasePct);

        Assert.Equal(expected, rule.Status);
        Assert.Equal(("MG0101", "perplexityIncreasePct on wikitext", (low, high)), (rule.Code, rule.Target!, rule.Interval!.Value));
    }

    [Fact]
    public void Forgetting_ZeroWidthIntervalAboveTheFailLevel_IsNoInterval_WarnsNotFails()
    {
        // The one-document corpus of the issue: [184.877, 184.877] "clears" the fail level only because it has no width.
        var o = new ForgettingObservation(ForgettingMetric.PerplexityIncreasePct, "one-document.txt", 20, 56.9754, 184.877, 184.877, 184.877);

        var rule = Assert.Single(GateRules.Evaluate(Policy, Analysis((V0, 0)), null, [o]), r => r.Id == RuleIds.PerplexityIncreasePct);

        Assert.Equal(RuleStatus.Warn, rule.Status);
        Assert.Null(rule.Interval);
        Assert.EndsWith("above the fail level 5, but with no interval to show it is not noise (its interval has zero width)", rule.Message);
    }

    [Theory]
    [InlineData(12.0, RuleStatus.Warn, "above the fail level 5, but with no interval to show it is not noise (a single unit cannot be resampled)")]
    [InlineData(1.0, RuleStatus.Pass, "within the warn level 2 (no interval: a single unit cannot be resampled)")]
    public void Forgetting_NoIntervalWithAReason_AtMostWarns_AndSaysWhy(double delta, RuleStatus expected, string how)
    {
        var o = new ForgettingObservation(ForgettingMetric.PerplexityIncreasePct, "wikitext", 20, 20 * (1 + (delta / 100)), delta, null, null)
        {
            IntervalUnavailable = "a single unit cannot be resampled",
        };

        var rule = Assert.Single(GateRules.Evaluate(Policy, Analysis((V0, 0)), null, [o]), r => r.Id == RuleIds.PerplexityIncreasePct);

        Assert.Equal(expected, rule.Status);
        Assert.Null(rule.Interval);
        Assert.EndsWith(how, rule.Message);
    }

    [Fact]
    public void Forgetting_MetricWithoutAThreshold_IsNotARule()
    {
        var o = new ForgettingObservation(ForgettingMetric.PseudoLossIncrease, "wiki", 2.0, 2.5, 0.5, 0.4, 0.6);

        Assert.DoesNotContain(GateRules.Evaluate(Policy, Analysis((V0, 0)), null, [o]), r => r.Id.StartsWith("forgetting.", StringComparison.Ordinal));
    }

    [Theory]
    [InlineData(RuleStatus.Pass, FailOn.Fail, 0)]
    [InlineData(RuleStatus.Warn, FailOn.Fail, 0)]
    [InlineData(RuleStatus.Fail, FailOn.Fail, 1)]
    [InlineData(RuleStatus.Pass, FailOn.Warn, 0)]
    [InlineData(RuleStatus.Warn, FailOn.Warn, 1)]
    [InlineData(RuleStatus.Fail, FailOn.Warn, 1)]
    [InlineData(RuleStatus.Warn, FailOn.Never, 0)]
    [InlineData(RuleStatus.Fail, FailOn.Never, 0)]
    public void Verdict_ExitCode_FollowsFailOn(RuleStatus worst, FailOn failOn, int exitCode)
    {
        var rules = new[] { new RuleResult(RuleIds.Total, RuleStatus.Pass, 0, 0, 4, null, ""), new RuleResult(RuleIds.PerLayer, worst, 1, 0, 4, "layer 0", "") };

        var verdict = GateVerdict.From(rules, failOn, 1);

        Assert.Equal((worst, exitCode), (verdict.Status, verdict.ExitCode));
    }

    private static RuleResult Total(ModelGate.Core.Spectral.IntruderReport analysis) =>
        GateRules.Evaluate(Policy, analysis, null, []).Single(r => r.Id == RuleIds.Total);

    private static AdapterProvenance Origin(BaseMatch match, bool zero = false) =>
        new("adapters/bot", "meta-llama/Llama-3.2-1B", null, "hf://Qwen/Qwen2.5-0.5B", match, "adapter_config.json names base 'meta-llama/Llama-3.2-1B', but the base given is 'Qwen/Qwen2.5-0.5B'", zero);

    [Theory]
    [InlineData(RuleStatus.Warn)]
    [InlineData(RuleStatus.Fail)]
    public void BaseMismatch_GetsTheStatusThePolicyGivesIt_NamingTheAdapterAndBothBases(RuleStatus level)
    {
        var policy = Policy with { Provenance = new ProvenancePolicy { BaseMismatch = level } };

        var rule = Assert.Single(GateRules.Evaluate(policy, Analysis((Q0, 0)), null, [], [Origin(BaseMatch.Mismatch)]), r => r.Id == RuleIds.BaseMismatch);

        Assert.Equal((level, 1.0, "MG0201", "adapters/bot"), (rule.Status, rule.Observed, rule.Code, rule.Target));
        Assert.Equal(level == RuleStatus.Warn ? 0 : null, rule.Warn);
        Assert.Equal(level == RuleStatus.Fail ? 0 : null, rule.Fail);
        Assert.Contains("but the base given is 'Qwen/Qwen2.5-0.5B'", rule.Message);
    }

    [Fact]
    public void BaseMismatch_UnknownBase_PassesAndSaysItIsUnknown()
    {
        var policy = Policy with { Provenance = new ProvenancePolicy { BaseMismatch = RuleStatus.Fail } };

        var rule = Assert.Single(GateRules.Evaluate(policy, Analysis((Q0, 0)), null, [], [Origin(BaseMatch.Unknown)]), r => r.Id == RuleIds.BaseMismatch);

        Assert.Equal((RuleStatus.Pass, 0.0), (rule.Status, rule.Observed));
        Assert.StartsWith("base unknown: ", rule.Message);
    }

    [Fact]
    public void ZeroUpdate_UnderTheDefaultPolicy_FailsTheGate()
    {
        var rules = GateRules.Evaluate(GatePolicyLoader.Default, Analysis((Q0, 0)), null, [], [Origin(BaseMatch.Match, zero: true)]);

        var rule = Assert.Single(rules, r => r.Id == RuleIds.ZeroUpdate);
        Assert.Equal((RuleStatus.Fail, "MG0202"), (rule.Status, rule.Code));
        Assert.Contains("every lora_B weight is zero", rule.Message);
        Assert.Equal(RuleStatus.Fail, GateVerdict.From(rules, FailOn.Fail, 0).Status);
    }

    [Fact]
    public void Provenance_RulesTurnedOff_AddNoRule()
    {
        var rules = GateRules.Evaluate(Policy, Analysis((Q0, 0)), null, [], [Origin(BaseMatch.Mismatch, zero: true)]);

        Assert.DoesNotContain(rules, r => r.Id.StartsWith("provenance.", StringComparison.Ordinal));
    }
}
