using ModelGate.Core.Forgetting;
using ModelGate.Core.Gating;
using ModelGate.Core.Repair;

namespace ModelGate.Core.Tests.Repair;

public sealed class RepairSweepResultTests
{
    [Fact]
    public void Choose_SeveralPass_TakesTheLeastTaskCost()
    {
        var points = new[] { Point(1, false, 0), Point(0.75, true, 9), Point(0.5, true, 3), Point(0, true, 40) };

        Assert.Equal(0.5, RepairSweepResult.Choose(points)!.Lambda);
    }

    [Fact]
    public void Choose_TaskCostsTie_TakesTheLargestLambda()
    {
        var points = new[] { Point(0.25, true, 3), Point(0.75, true, 3), Point(1, false, 0), Point(0.5, true, 3) };

        Assert.Equal(0.75, RepairSweepResult.Choose(points)!.Lambda);
    }

    [Fact]
    public void Choose_NoTaskCost_TakesTheLargestPassingLambda()
    {
        var points = new[] { Point(1, false, null), Point(0.75, false, null), Point(0.5, true, null), Point(0, true, null) };

        Assert.Equal(0.5, RepairSweepResult.Choose(points)!.Lambda);
    }

    [Fact]
    public void Choose_NonePasses_IsNull()
    {
        Assert.Null(RepairSweepResult.Choose([Point(1, false, 0), Point(0, false, 5)]));
    }

    private static RepairSweepPoint Point(double lambda, bool passes, double? cost) => new()
    {
        Lambda = lambda,
        Intruders = 0,
        Passes = passes,
        TaskCost = cost,
        Rules = [new RuleResult(RuleIds.PerplexityIncreasePct, passes ? RuleStatus.Pass : RuleStatus.Fail, 0, null, 5, null, "")],
        Forgetting = new ForgettingReport
        {
            ModelType = "llama",
            Kind = LanguageModelKind.Causal,
            Tokenizer = "bpe",
            MaxLength = 16,
            Stride = 8,
            Settings = new ForgettingSettings(),
            Datasets = [],
            Metrics = [],
            BaseThroughput = ScoringThroughput.Zero,
            MergedThroughput = ScoringThroughput.Zero,
            Elapsed = TimeSpan.Zero,
        },
    };
}
