using ModelGate.Core.Calibration;
using ModelGate.Core.Errors;
using ModelGate.Core.Gating;
using ModelGate.Core.Spectral;

namespace ModelGate.Core.Tests.Calibration;

public sealed class CalibrationSampleTests
{
    private static readonly ForgettingPolicy Levels = GatePolicyLoader.Default.Forgetting;

    [Fact]
    public void From_PointAboveTheFailLevelButIntervalReachingBelow_DoesNotForget()
    {
        var o = new ForgettingObservation(ForgettingMetric.PerplexityIncreasePct, "held-out.txt", 20, 21.4, 7, 3, 11);

        var sample = CalibrationSample.From("a", Report(), [o], Levels);

        Assert.False(sample.Forgets);
        Assert.Equal((7.0, (3.0, 11.0)), (sample.Delta, sample.Interval));
    }

    [Fact]
    public void From_IntervalAboveTheFailLevel_Forgets()
    {
        var o = new ForgettingObservation(ForgettingMetric.PerplexityIncreasePct, "held-out.txt", 20, 21.4, 7, 6, 8);

        Assert.True(CalibrationSample.From("a", Report(), [o], Levels).Forgets);
    }

    [Fact]
    public void From_NoMeasuredMetricHasAFailLevel_IsAUserError()
    {
        var o = new ForgettingObservation(ForgettingMetric.PerplexityIncreasePct, "held-out.txt", 20, 21.4, 7, 6, 8);
        var policy = Levels with { PerplexityIncreasePct = new Threshold(2, null) };

        var e = Assert.Throws<UserInputException>(() => CalibrationSample.From("a", Report(), [o], policy));

        Assert.Contains("has a fail level", e.Message, StringComparison.Ordinal);
    }

    private static IntruderReport Report() => new()
    {
        ToolVersion = "test",
        Kind = ComparisonKind.Adapter,
        BaseModel = "base",
        Tuned = ["a"],
        K = 10,
        Epsilon = 0.5,
        Device = "cpu",
        Elapsed = TimeSpan.Zero,
        Modules = [],
    };
}
