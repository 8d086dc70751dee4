using System.Globalization;
using ModelGate.Core.Forgetting;

namespace ModelGate.Core.Reporting;

/// <summary>How a forgetting metric reads in a table: its label, its values and its delta, the same in every renderer.</summary>
public static class ForgettingMetricText
{
    public static string Label(string metric) => metric switch
    {
        ForgettingMetricNames.PerplexityIncreasePct => "perplexity (Δ in %)",
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

    public static string Delta(string metric, double delta) => Signed(delta) + (metric == ForgettingMetricNames.PerplexityIncreasePct ? " %" : "");

    public static string Interval(string metric, ForgettingMetric m) =>
        $"[{Signed(m.CiLow)}, {Signed(m.CiHigh)}]{(metric == ForgettingMetricNames.PerplexityIncreasePct ? " %" : "")}";

    private static string Signed(double v) => (v > 0 ? "+" : "") + Value(v);
}
