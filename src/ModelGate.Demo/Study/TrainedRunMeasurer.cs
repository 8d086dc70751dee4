using ModelGate.Core.Forgetting;
using ModelGate.Core.Spectral;
using ModelGate.Forgetting.Metrics;
using ModelGate.Forgetting.Metrics.Tasks;
using ModelGate.Forgetting.Models;
using ModelGate.Torch.Spectral;

namespace ModelGate.Demo.Study;

/// <summary>
/// Measures one trained run the way the gate would see it: intruder counts with the gate's analysis settings (k, ε,
/// method) from <see cref="IntruderAnalyzer"/>, and the tuned model's perplexity on held-out prose (forgetting) and on
/// held-out code (task loss) from <see cref="ForgettingEvaluator"/>. The one place a study run becomes numbers.
/// </summary>
public sealed class TrainedRunMeasurer(IntruderAnalyzer analyzer, LanguageModelLoader loader, AnalysisSettings analysis, string heldOutProse, string heldOutCode)
{
    /// <summary>Point values only: the study compares many runs, not one run against noise.</summary>
    private static readonly ForgettingSettings Scoring = new() { BootstrapSamples = 0 };

    private readonly TextCorpus _prose = TextCorpus.Read(heldOutProse);
    private readonly TextCorpus _code = TextCorpus.Read(heldOutCode);

    /// <summary>The base with <paramref name="adapters"/> merged in order, against the base.</summary>
    public async Task<RunMeasurement> MeasureAdaptersAsync(string baseFolder, IReadOnlyList<string> adapters, CancellationToken cancellationToken)
    {
        var counts = await analyzer.AnalyzeAdaptersAsync(baseFolder, adapters, analysis, "cpu", null, cancellationToken);
        return MeasureAdapters(counts, baseFolder, adapters, cancellationToken);
    }

    /// <summary>As <see cref="MeasureAdaptersAsync"/> with the counts already made (a lineage's cumulative analysis of the same adapters).</summary>
    public RunMeasurement MeasureAdapters(IntruderReport counts, string baseFolder, IReadOnlyList<string> adapters, CancellationToken cancellationToken) =>
        Measure(counts, baseFolder, merged => loader.Load(baseFolder, Options(merged ? adapters : [])), cancellationToken);

    /// <summary>A fully fine-tuned model against its base.</summary>
    public async Task<RunMeasurement> MeasureFineTuneAsync(string baseFolder, string tunedFolder, CancellationToken cancellationToken)
    {
        var counts = await analyzer.AnalyzeFineTuneAsync(baseFolder, tunedFolder, analysis, "cpu", null, cancellationToken);
        return Measure(counts, baseFolder, tuned => loader.Load(tuned ? tunedFolder : baseFolder, Options([])), cancellationToken);
    }

    private static LanguageModelOptions Options(IReadOnlyList<string> adapters) => new() { Device = "cpu", Adapters = adapters };

    private RunMeasurement Measure(IntruderReport counts, string baseFolder, Func<bool, ILanguageModel> load, CancellationToken cancellationToken)
    {
        // Both corpora in one pass: each model is loaded once, not once per corpus.
        var report = ForgettingEvaluator.Evaluate(baseFolder, new ForgettingData([_prose, _code], [], []), load, Scoring, null, cancellationToken);
        var prose = Perplexity(report, _prose.Name);
        var code = Perplexity(report, _code.Name);
        return new RunMeasurement
        {
            IntrudersTotal = counts.TotalIntruders,
            IntrudersMaxPerModule = counts.Modules.Select(m => m.Intruders).DefaultIfEmpty(0).Max(),
            IntrudersMaxPerLayer = counts.Layers.Where(l => l.Layer is not null).Select(l => l.Intruders).DefaultIfEmpty(0).Max(),
            ModulesAnalysed = counts.Modules.Count,
            ProsePerplexityBase = prose.Base,
            ProsePerplexity = prose.Merged,
            CodeLossBase = Math.Log(code.Base),
            CodeLoss = Math.Log(code.Merged),
        };
    }

    private static ForgettingMetric Perplexity(ForgettingReport report, string corpus) =>
        report.Metrics.Single(m => m.Metric == ForgettingMetricNames.PerplexityIncreasePct && m.Dataset == corpus);
}
