using ModelGate.Core.Calibration;

namespace ModelGate.Core.Tests.Calibration;

public sealed class RankCorrelationTests
{
    [Fact]
    public void Spearman_FivePairs_MatchesTheHandComputedValueAndFisherInterval()
    {
        // Rank differences -1, 1, -1, 1, 0: ρ = 1 − 6·4 / (5·24) = 0.8. Interval: tanh(atanh 0.8 ± 1.96 · 1.06 / √2).
        var c = RankCorrelation.Spearman([1, 2, 3, 4, 5], [2, 1, 4, 3, 5]);

        Assert.Equal(0.8, c.Rho!.Value, 12);
        Assert.Equal(-0.354382, c.Low!.Value, 5);
        Assert.Equal(0.988299, c.High!.Value, 5);
        Assert.Equal(5, c.Count);
    }

    [Fact]
    public void Spearman_Ties_TakeTheirAverageRank()
    {
        // x ranks 1.5, 1.5, 3, 4 against y ranks 1, 2, 3, 4: Pearson of the ranks is 4.5 / √(4.5 · 5) = 0.9487.
        var c = RankCorrelation.Spearman([0, 0, 5, 9], [0.1, 0.2, 0.3, 0.4]);

        Assert.Equal(4.5 / Math.Sqrt(4.5 * 5), c.Rho!.Value, 12);
    }

    [Fact]
    public void Spearman_ConstantCounts_HasNoCorrelation()
    {
        var c = RankCorrelation.Spearman([3, 3, 3, 3], [1, 2, 3, 4]);

        Assert.Null(c.Rho);
        Assert.Null(c.Low);
    }
}
