using ModelGate.Core.Calibration;
using ModelGate.Core.Errors;
using ModelGate.Core.Gating;

namespace ModelGate.Core.Tests.Calibration;

public sealed class ThresholdCalibrationTests
{
    private static readonly ForgettingPolicy Levels = GatePolicyLoader.Default.Forgetting;

    [Fact]
    public void Fit_FortyAdaptersThatForgetAboveSevenIntruders_RecoversSeven()
    {
        var result = ThresholdCalibration.Fit(PlantedAtSeven(), Levels);

        Assert.Equal(7, result.Total.Level);
        // The two planted contrary adapters are the only ones the level sorts wrongly.
        Assert.Equal((1, 1), (result.Total.WronglyPassed, result.Total.WronglyBlocked));
        Assert.Empty(result.Warnings);
        Assert.True(result.Correlation.Rho > 0.7, $"ρ = {result.Correlation.Rho}");
        Assert.True(result.Correlation.Low > 0.4 && result.Correlation.High < 1, $"[{result.Correlation.Low}, {result.Correlation.High}]");
    }

    [Fact]
    public void Fit_TiedLevels_TakesTheLowest()
    {
        // Levels 2, 3 and 4 all sort these perfectly; 2 is the strictest the data supports.
        var fit = DecisionStump.Fit([0, 1, 2, 5, 6], [false, false, false, true, true]);

        Assert.Equal(new FittedThreshold(2, 0, 0), fit);
    }

    [Fact]
    public void Fit_BestLevelBlocksNothing_FitsNone()
    {
        var fit = DecisionStump.Fit([0, 0, 3, 3], [false, true, false, false]);

        Assert.Null(fit.Level);
        Assert.Equal(1, fit.WronglyPassed);
        Assert.NotNull(fit.Reason);
    }

    [Theory]
    [InlineData(true, "every adapter forgets")]
    [InlineData(false, "no adapter forgets")]
    public void Fit_AllOnOneSide_FitsNoLevelAndSaysWhy(bool forgets, string why)
    {
        var samples = Enumerable.Range(0, 6).Select(i => Sample($"a{i}", i, i, forgets)).ToArray();

        var result = ThresholdCalibration.Fit(samples, Levels);

        Assert.False(result.AnyFitted);
        Assert.All([result.Total, result.PerModule, result.PerLayer], f => Assert.Contains(why, f.Reason, StringComparison.Ordinal));
        Assert.Contains(result.Warnings, w => w.StartsWith($"no levels fitted: {why}", StringComparison.Ordinal));
    }

    [Fact]
    public void Fit_FewerThanFiveAdapters_WarnsInTheResult()
    {
        var result = ThresholdCalibration.Fit([Sample("a", 0, 1, false), Sample("b", 9, 8, true), Sample("c", 1, 0, false)], Levels);

        Assert.Equal(1, result.Total.Level);
        Assert.Contains(result.Warnings, w => w.StartsWith("only 3 adapters:", StringComparison.Ordinal));
    }

    [Fact]
    public void Fit_NoAdapters_IsAUserError()
    {
        Assert.Throws<UserInputException>(() => ThresholdCalibration.Fit([], Levels));
    }

    [Fact]
    public void Apply_FittedLevels_BecomeWarnLevelsWithTheCountFirstSwitch_AndTheLoaderReadsThePolicyBack()
    {
        var result = ThresholdCalibration.Fit(PlantedAtSeven(), Levels);
        var start = GatePolicyLoader.Default with { FailOn = FailOn.Warn };

        var policy = ThresholdCalibration.Apply(start, result, "held-out.txt", ["arc.jsonl"]);
        var readBack = GatePolicyLoader.Parse(GatePolicyJson.Serialize(policy), "calibrated.json", new GatePolicy());

        Assert.Equal(new Threshold(7, null), policy.Intruders.Total);
        Assert.Equal(ForgettingWhen.IntrudersAbove, policy.Forgetting.When);
        Assert.Equal(start.Intruders.Growth, policy.Intruders.Growth);
        Assert.Equal(policy.Intruders.Total, readBack.Intruders.Total);
        Assert.Equal(policy.Intruders.PerLayer, readBack.Intruders.PerLayer);
        Assert.Equal(policy.Intruders.PerModule.Select(m => (m.Match.Text, m.Threshold)), readBack.Intruders.PerModule.Select(m => (m.Match.Text, m.Threshold)));
        Assert.Equal((FailOn.Warn, "held-out.txt", ForgettingWhen.IntrudersAbove), (readBack.FailOn, readBack.Forgetting.Corpus, readBack.Forgetting.When));
        Assert.Equal(["arc.jsonl"], readBack.Forgetting.Tasks);
        Assert.Equal(policy.Forgetting.PerplexityIncreasePct, readBack.Forgetting.PerplexityIncreasePct);
        Assert.Equal(policy.Provenance, readBack.Provenance);
    }

    [Fact]
    public void Apply_NothingFitted_KeepsTheStartingIntruderRulesAndSwitch()
    {
        var result = ThresholdCalibration.Fit([.. Enumerable.Range(0, 6).Select(i => Sample($"a{i}", i, i, false))], Levels);

        var policy = ThresholdCalibration.Apply(GatePolicyLoader.Default, result, "held-out.txt", []);

        Assert.Same(GatePolicyLoader.Default.Intruders, policy.Intruders);
        Assert.Equal(ForgettingWhen.Always, policy.Forgetting.When);
    }

    /// <summary>
    /// 40 adapters with every total from 0 to 19 twice; an adapter forgets iff its total is above 7, except one at 2
    /// that forgets and one at 16 that does not (noise). Deltas rise with the total plus seeded noise.
    /// </summary>
    private static CalibrationSample[] PlantedAtSeven()
    {
        var random = new Random(17);
        return [.. Enumerable.Range(0, 40).Select(i =>
        {
            var total = i % 20;
            var forgets = total > 7;
            if (i == 2 || i == 16)
            {
                forgets = !forgets;
            }

            return Sample($"adapter-{i}", total, (total * 0.8) + (random.NextDouble() * 4) - 2, forgets);
        })];
    }

    private static CalibrationSample Sample(string name, int total, double delta, bool forgets) =>
        new(name, total, (total + 1) / 2, total / 3, ForgettingMetric.PerplexityIncreasePct, "held-out.txt", delta, forgets);
}
