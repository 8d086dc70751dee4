using ModelGate.Forgetting.Metrics;

namespace ModelGate.Forgetting.Tests.Metrics;

public sealed class DetectableEffectTests
{
    [Fact]
    public void Minimum_EqualWeights_IsZAlphaPlusZPowerTimesSdOverRootN()
    {
        double[] deltas = [1, 2, 3, 4];

        // sd = √(5/3), n = 4: (1.959964 + 0.841621) · √(5/3) / 2
        Assert.Equal(2.801585 * Math.Sqrt(5.0 / 3) / 2, DetectableEffect.Minimum(deltas, [1, 1, 1, 1])!.Value, 9);
        Assert.Equal(DetectableEffect.Minimum(deltas, [1, 1, 1, 1]), DetectableEffect.Minimum(deltas, [7, 7, 7, 7]));
    }

    [Fact]
    public void Minimum_UnequalWeights_IsTheRatioEstimatorsStandardError()
    {
        // Weighted mean (1·0 + 3·4) / 4 = 3; Σ w²(δ − 3)² = 9 + 9 = 18; SE = √(2 · 18) / 4 = 1.5
        Assert.Equal(2.801585 * 1.5, DetectableEffect.Minimum([0, 4], [1, 3])!.Value, 9);
    }

    [Fact]
    public void Minimum_OneUnitOrDeltasThatDoNotVary_IsUnknown()
    {
        Assert.Null(DetectableEffect.Minimum([3.0], [1.0]));
        Assert.Null(DetectableEffect.Minimum([2.0, 2.0, 2.0], [1.0, 5.0, 2.0]));
    }
}
