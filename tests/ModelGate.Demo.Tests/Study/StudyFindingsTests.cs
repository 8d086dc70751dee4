using ModelGate.Demo.Study;

namespace ModelGate.Demo.Tests.Study;

public sealed class StudyFindingsTests
{
    internal static RunMeasurement Measured(int total, double forgettingPct = 0, double codeLoss = 1, int perModule = 0) => new()
    {
        IntrudersTotal = total, IntrudersMaxPerModule = perModule, IntrudersMaxPerLayer = total, ModulesAnalysed = 14,
        ProsePerplexityBase = 2, ProsePerplexity = 2 * (1 + (forgettingPct / 100)), CodeLossBase = 3, CodeLoss = codeLoss,
    };

    private static StudyRun Lora(int rank, double rate, int total) =>
        new() { Name = $"r{rank}-{rate}", Kind = StudyRunKind.Lora, Folder = "x", Rank = rank, LearningRate = rate, Seed = 1, Measurement = Measured(total) };

    private static StudyResults Results(params StudyRun[] runs) => new(StudySettings.Quick, 10, 0.5, runs);

    private static StudyFinding Finding(StudyResults results, string claim) => StudyFindings.Check(results).Single(f => f.Claim.Contains(claim, StringComparison.Ordinal));

    [Fact]
    public void Check_FewerIntrudersAtTheHigherLearningRate_SaysNotReproduced()
    {
        var results = Results(Lora(1, 1e-3, 9), Lora(1, 1e-2, 4));

        var finding = Finding(results, "higher learning rate");

        Assert.False(finding.Reproduced);
        Assert.Contains("lr 0.001: 9, lr 0.01: 4", finding.Evidence);
    }

    [Fact]
    public void Check_MoreIntrudersAtTheLowerRank_SaysReproduced()
    {
        var results = Results(Lora(1, 1e-3, 9), Lora(4, 1e-3, 5), Lora(16, 1e-3, 2));

        Assert.True(Finding(results, "lower rank").Reproduced);
    }

    [Fact]
    public void Check_NoChainNoRepairNoFullFineTune_SaysNotMeasured()
    {
        var results = Results(Lora(1, 1e-3, 9));

        var findings = StudyFindings.Check(results);

        Assert.All(findings, f => Assert.Null(f.Reproduced));
    }

    [Fact]
    public void Check_RepairThatLowersForgettingButNotTaskLoss_SaysNotReproduced()
    {
        StudyRun Repair(double lambda, double forgetting, double codeLoss) => new()
        {
            Name = "lora-repaired", Kind = StudyRunKind.Repair, Folder = "x", Lambda = lambda, Measurement = Measured(3, forgetting, codeLoss),
        };
        var results = Results(Repair(1, 50, 1.0), Repair(0, 10, 0.9));

        Assert.False(Finding(results, "repair").Reproduced);
    }
}
