using System.Globalization;
using ModelGate.Core.Forgetting;

namespace ModelGate.Core.Reporting;

/// <summary>How a forgetting metric reads in a table: its label, its values and its delta, the same in every renderer.</summary>
public static class ForgettingMetricText
{
    public static string Label(string metric) => metric switch
    {
        ForgettingMetricNames.PerplexityIncreasePct => "perplexity (Δ in %)",
        ForgettingMetricNames.Perplexity => "last-word perplexity",
        ForgettingMetricNames.WordPerplexity => "word perplexity",
        ForgettingMetricNames.BytePerplexity => "byte perplexity",
        ForgettingMetricNames.BitsPerByte => "bits per byte",
        ForgettingMetricNames.PseudoLossIncrease => "pseudo-loss, nats/token",
        ForgettingMetricNames.PseudoPerplexity => "pseudo-perplexity",
        ForgettingMetricNames.AccuracyDropPts => "acc % (Δ = drop, pts)",
        ForgettingMetricNames.AccuracyNormDropPts => "acc_norm % (Δ = drop, pts)",
        _ => metric,
    };

    public static string Value(double value) => double.IsNaN(value) ? "–"
        : Math.Abs(value) >= 1000 ? value.ToString("N0", CultureInfo.InvariantCulture)
        : Math.Abs(value) >= 100 ? value.ToString("0.0", CultureInfo.InvariantCulture)
        : value.ToString("0.000", CultureInfo.InvariantCulture);

    public static string Delta(string metric, double delta) => Signed(delta) + Unit(metric);

    /// <summary>The interval, or why there is none; for accuracies the McNemar test beside it.</summary>
    public static string Interval(string metric, ForgettingMetric m)
    {
        var interval = m.CiLow is { } low && m.CiHigh is { } high
            ? $"[{Signed(low)}, {Signed(high)}]{Unit(metric)}"
            : $"unavailable ({m.IntervalUnavailable})";
        return m.McNemar is { } t
            ? string.Create(CultureInfo.InvariantCulture, $"{interval}; McNemar b {t.B}, c {t.C}, p {t.P:G3}")
            : interval;
    }

    /// <summary>The minimum detectable effect as a magnitude in the delta's unit, or a dash when unknown.</summary>
    public static string MinimumDetectableEffect(string metric, ForgettingMetric m) =>
        m.MinimumDetectableEffect is { } mde ? Value(mde) + Unit(metric) : "–";

    /// <summary>"37 blocks of 32 tokens (1 document)", "40 items": what a dataset's intervals resampled.</summary>
    public static string Resampled(ForgettingDataset d) => d.Resampled.BlockTokens is null
        ? d.Resampled.Describe()
        : string.Create(CultureInfo.InvariantCulture, $"{d.Resampled.Describe()} ({d.Units} document{(d.Units == 1 ? "" : "s")})");

    /// <summary>"Read as lm-eval tasks: …" naming each such dataset's task, split, revision and rows; null when there is none.</summary>
    public static string? TaskSources(ForgettingReport report)
    {
        ArgumentNullException.ThrowIfNull(report);
        var sources = report.Datasets.Where(d => d.Task is not null)
            .Select(d => string.Create(CultureInfo.InvariantCulture,
                $"{d.Name} (lm-eval {d.Task}, {d.Split} split, {(d.Revision is { } r ? "revision " + r : "local file")}, {d.Units} row{(d.Units == 1 ? "" : "s")})"))
            .ToArray();
        return sources.Length == 0 ? null : $"Read as lm-eval tasks: {string.Join(", ", sources)}.";
    }

    private static string Unit(string metric) => metric == ForgettingMetricNames.PerplexityIncreasePct ? " %" : "";

    private static string Signed(double v) => (v > 0 ? "+" : "") + Value(v);
}
