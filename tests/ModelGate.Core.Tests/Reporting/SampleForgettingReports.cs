using ModelGate.Core.Forgetting;

namespace ModelGate.Core.Tests.Reporting;

/// <summary>A forgetting report as the evaluator builds it for a one-document corpus (resampled in blocks) and a task.</summary>
internal static class SampleForgettingReports
{
    public static ForgettingReport OneDocumentAndATask() => new()
    {
        ModelType = "llama",
        Kind = LanguageModelKind.Causal,
        Tokenizer = "byte-level BPE",
        MaxLength = 64,
        Stride = 32,
        Settings = new ForgettingSettings(),
        Datasets =
        [
            new ForgettingDataset("eval.txt", "corpus", 1, 1184) { Resampled = new ResampledUnits(ResampledUnits.Blocks, 37, 32) },
            new ForgettingDataset("arc", "task", 40, 900) { Resampled = new ResampledUnits(ResampledUnits.Items, 40) },
        ],
        Metrics =
        [
            new ForgettingMetric("eval.txt", ForgettingMetricNames.PerplexityIncreasePct, 20, 21.5, 7.5, 6.1, 8.9) { MinimumDetectableEffect = 1.25 },
            new ForgettingMetric("eval.txt", ForgettingMetricNames.BitsPerByte, 1.2, 1.2, 0, null, null) { IntervalUnavailable = "zero width: the resampled deltas did not vary" },
            new ForgettingMetric("arc", ForgettingMetricNames.AccuracyDropPts, 60, 40, 20, 5, 35) { MinimumDetectableEffect = 14.2, McNemar = new McNemarResult(10, 2, 0.03857421875) },
        ],
        BaseThroughput = new ScoringThroughput(2084, TimeSpan.FromSeconds(1)),
        MergedThroughput = new ScoringThroughput(2084, TimeSpan.FromSeconds(1)),
        Elapsed = TimeSpan.FromSeconds(2),
    };
}
