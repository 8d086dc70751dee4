using ModelGate.Core.Forgetting;
using ModelGate.Forgetting.Metrics;

namespace ModelGate.Forgetting.Tests.Metrics;

public sealed class McNemarTestTests
{
    [Fact]
    public void ExactP_TenAgainstTwo_IsTheHandComputedBinomialTail()
    {
        // 2 · (C(12,0) + C(12,1) + C(12,2)) / 2^12 = 2 · 79 / 4096
        Assert.Equal(0.03857421875, McNemarTest.ExactP(10, 2), 12);
        Assert.Equal(0.03857421875, McNemarTest.ExactP(2, 10), 12);
    }

    [Theory]
    [InlineData(0, 0)]
    [InlineData(5, 5)]
    [InlineData(1, 0)]
    public void ExactP_NoDisagreementOrNoImbalance_IsOne(int b, int c)
    {
        Assert.Equal(1.0, McNemarTest.ExactP(b, c));
    }

    [Fact]
    public void ExactP_ThousandsOfDisagreements_MatchesTheNormalApproximation()
    {
        // 2^3000 is far past a double; the normal approximation gives z = −100 / √750 = −3.65, p ≈ 2.6e-4.
        Assert.InRange(McNemarTest.ExactP(1400, 1600), 1.5e-4, 4e-4);
    }

    [Fact]
    public void Of_PerItemAnswers_CountsEachDirectionOfDisagreement()
    {
        double[] baseCorrect = [1, 1, 1, 0, 0, 1, 0];
        double[] mergedCorrect = [0, 0, 1, 1, 0, 1, 0];

        Assert.Equal(new McNemarResult(2, 1, McNemarTest.ExactP(2, 1)), McNemarTest.Of(baseCorrect, mergedCorrect));
    }
}
