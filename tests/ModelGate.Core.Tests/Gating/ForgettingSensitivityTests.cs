using ModelGate.Core.Gating;

namespace ModelGate.Core.Tests.Gating;

public sealed class ForgettingSensitivityTests
{
    private static readonly ForgettingPolicy Policy = new()
    {
        Corpus = "held-out.txt",
        PerplexityIncreasePct = new Threshold(2, 5),
        AccuracyDropPts = Threshold.FailAbove(1),
    };

    private static ForgettingObservation Observed(string metric, string dataset, double? mde) =>
        new(metric, dataset, 20, 21, 1, -1, 3) { MinimumDetectableEffect = mde };

    [Fact]
    public void Warnings_MinimumDetectableEffectAboveTheFailLevel_OneWarningNamingTheMetricAndItsLevel()
    {
        var warnings = ForgettingSensitivity.Warnings(Policy, [Observed(ForgettingMetric.PerplexityIncreasePct, "held-out.txt", 8.25)]);

        Assert.Equal(
            "perplexityIncreasePct on held-out.txt: the data can only detect a change of about 8.25 or more (α 0.05, power 0.8), " +
            "more than the fail level 5; a pass there does not show the forgetting is below that level: measure on more text or items",
            Assert.Single(warnings));
    }

    [Fact]
    public void Warnings_DetectableWithinTheFailLevel_UnknownOrNoFailLevel_None()
    {
        var warnings = ForgettingSensitivity.Warnings(Policy, [
            Observed(ForgettingMetric.PerplexityIncreasePct, "held-out.txt", 4.9),
            Observed(ForgettingMetric.AccuracyDropPts, "arc-easy", null),
            Observed(ForgettingMetric.PseudoLossIncrease, "wiki", 99),
        ]);

        Assert.Empty(warnings);
    }
}
