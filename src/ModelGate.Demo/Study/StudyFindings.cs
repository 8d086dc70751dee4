using System.Globalization;

namespace ModelGate.Demo.Study;

/// <summary>
/// Checks the paper's findings on a study's runs, each by a stated criterion on the numbers, so the page says
/// "reproduced" only where the data shows it. Means are over every run of the group (seeds, and ranks or learning rates).
/// </summary>
public static class StudyFindings
{
    public static IReadOnlyList<StudyFinding> Check(StudyResults results)
    {
        ArgumentNullException.ThrowIfNull(results);
        return [LoraVersusFull(results), ByLearningRate(results), ByRank(results), Accumulation(results), RepairTrade(results)];
    }

    private static StudyFinding LoraVersusFull(StudyResults results)
    {
        const string claim = "LoRA grows intruder dimensions; full fine-tuning far fewer";
        var lora = results.Of(StudyRunKind.Lora).ToArray();
        var full = results.Of(StudyRunKind.FullFineTune).ToArray();
        if (lora.Length == 0 || full.Length == 0)
        {
            return new(claim, null, "not measured: the grid has no LoRA run or no full fine-tune");
        }

        var (loraMean, fullMean) = (lora.Average(Total), full.Average(Total));
        return new(claim, loraMean > 0 && fullMean <= loraMean / 2,
            $"mean total intruders {F(loraMean)} over {lora.Length} LoRA runs against {F(fullMean)} over {full.Length} full fine-tunes " +
            $"({string.Join(", ", full.Select(r => $"lr {StudyGrid.Number(r.LearningRate!.Value)}: {Total(r)}"))}); criterion: LoRA's mean above 0 and at least twice the full fine-tunes'");
    }

    private static StudyFinding ByLearningRate(StudyResults results)
    {
        const string claim = "more intruders with a higher learning rate";
        var means = Means(results, r => r.LearningRate!.Value);
        return means.Count < 2
            ? new(claim, null, "not measured: the grid has one learning rate")
            : new(claim, Increasing(means.Select(m => m.Mean).ToArray()),
                $"mean total intruders by learning rate: {Describe(means, "lr")}; criterion: rises at every step to a higher learning rate");
    }

    private static StudyFinding ByRank(StudyResults results)
    {
        const string claim = "more intruders with a lower rank";
        var means = Means(results, r => r.Rank!.Value);
        return means.Count < 2
            ? new(claim, null, "not measured: the grid has one rank")
            : new(claim, Increasing(means.Select(m => m.Mean).Reverse().ToArray()),
                $"mean total intruders by rank: {Describe(means, "r")}; criterion: falls at every step to a higher rank");
    }

    private static StudyFinding Accumulation(StudyResults results)
    {
        const string claim = "intruders accumulate over sequential tasks";
        var chain = results.Of(StudyRunKind.Chain).OrderBy(r => r.Step).ToArray();
        if (chain.Length < 2)
        {
            return new(claim, null, "not measured: the chain has fewer than two tasks");
        }

        var totals = chain.Select(Total).ToArray();
        var grows = totals.Zip(totals.Skip(1)).All(p => p.Second >= p.First) && totals[^1] > totals[0];
        return new(claim, grows,
            $"cumulative total intruders after each task: {string.Join(" → ", totals)} (new in each task: {string.Join(", ", chain.Select(r => r.NewIntruders))}); " +
            "criterion: never falls and ends above the first task's");
    }

    private static StudyFinding RepairTrade(StudyResults results)
    {
        const string claim = "repair trades forgetting for task loss";
        var curve = results.Of(StudyRunKind.Repair).OrderByDescending(r => r.Lambda).ToArray();
        if (curve.Length < 2)
        {
            return new(claim, null, "not measured: the repair curve has fewer than two λ");
        }

        var (kept, removed) = (curve[0].Measurement, curve[^1].Measurement);
        return new(claim, removed.ForgettingPct < kept.ForgettingPct && removed.CodeLoss > kept.CodeLoss,
            $"from λ {StudyGrid.Number(curve[0].Lambda!.Value)} to λ {StudyGrid.Number(curve[^1].Lambda!.Value)} on {curve[0].Name[..curve[0].Name.IndexOf("-repaired", StringComparison.Ordinal)]}: " +
            $"prose perplexity {F(kept.ForgettingPct)} % → {F(removed.ForgettingPct)} %, code loss {F(kept.CodeLoss, "0.0000")} → {F(removed.CodeLoss, "0.0000")}; " +
            "criterion: forgetting lower and task loss higher at the smallest λ than at the largest");
    }

    /// <summary>Mean total intruders of the LoRA grid grouped by one knob, in ascending order of the knob.</summary>
    internal static IReadOnlyList<(double Key, double Mean)> Means(StudyResults results, Func<StudyRun, double> key) =>
        results.Of(StudyRunKind.Lora).GroupBy(key).OrderBy(g => g.Key).Select(g => (g.Key, g.Average(Total))).ToArray();

    private static bool Increasing(IReadOnlyList<double> values) => values.Zip(values.Skip(1)).All(p => p.Second > p.First);

    private static string Describe(IEnumerable<(double Key, double Mean)> means, string knob) =>
        string.Join(", ", means.Select(m => $"{knob} {StudyGrid.Number(m.Key)}: {F(m.Mean)}"));

    private static double Total(StudyRun run) => run.Measurement.IntrudersTotal;

    internal static string F(double value, string format = "0.#") => value.ToString(format, CultureInfo.InvariantCulture);
}
