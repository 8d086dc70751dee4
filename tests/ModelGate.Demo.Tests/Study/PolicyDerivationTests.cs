using ModelGate.Core.Gating;
using ModelGate.Demo.Study;

namespace ModelGate.Demo.Tests.Study;

public sealed class PolicyDerivationTests
{
    private static StudyRun Run(int total, int perModule, double forgettingPct) => new()
    {
        Name = $"{total}", Kind = StudyRunKind.Lora, Folder = "x", Measurement = StudyFindingsTests.Measured(total, forgettingPct, perModule: perModule),
    };

    [Fact]
    public void From_RunsEitherSideOfTheForgettingFailLevel_GivesTheLargestKeptAndSmallestForgettingCounts()
    {
        var results = new StudyResults(StudySettings.Quick, 10, 0.5, [Run(0, 0, 1), Run(6, 2, 4.9), Run(20, 4, 5.1), Run(40, 7, 300)]);

        var derivation = PolicyDerivation.From(results, GatePolicyLoader.Default);

        Assert.Equal((2, 2), (derivation.Forgetting, derivation.NotForgetting));
        var total = derivation.Levels.Single(l => l.Measure == "total");
        Assert.Equal((6, 20), (total.MaxNotForgetting, total.MinForgetting));
        Assert.True(total.Separates);
        var perModule = derivation.Levels.Single(l => l.Measure.StartsWith("per module", StringComparison.Ordinal));
        Assert.Equal((2, 4), (perModule.MaxNotForgetting, perModule.MinForgetting));
        // The built-in per-module fail level 2 blocks both forgetting runs (4 and 7 are above it) and passes both others.
        Assert.Equal((2, 2), (derivation.ForgettingBlockedByDefault, derivation.NotForgettingPassedByDefault));
    }

    [Fact]
    public void From_OverlappingCounts_DoNotSeparate()
    {
        var results = new StudyResults(StudySettings.Quick, 10, 0.5, [Run(30, 5, 1), Run(20, 4, 50)]);

        var derivation = PolicyDerivation.From(results, GatePolicyLoader.Default);

        Assert.All(derivation.Levels.Take(2), l => Assert.False(l.Separates));
    }
}
