using System.Globalization;
using System.Text;
using ModelGate.Core.Forgetting;

namespace ModelGate.Core.Reporting;

/// <summary>The <c>forgetting --format markdown</c> report: one table of base vs merged per dataset and metric.</summary>
public static class ForgettingReportMarkdown
{
    public static string Render(ForgettingReport report)
    {
        var inv = CultureInfo.InvariantCulture;
        var confidence = (report.Settings.Confidence * 100).ToString("0", inv);
        var resampled = string.Join(", ", report.Datasets.Select(d => $"{ForgettingMetricText.Resampled(d)} of {d.Name}"));
        var md = new StringBuilder();
        md.AppendLine("## Forgetting: base vs merged").AppendLine();
        md.AppendLine(string.Create(inv, $"{report.ModelType} ({report.Kind.ToString().ToLowerInvariant()} LM), window {report.MaxLength} tokens, stride {report.Stride}; Δ is positive when the merged model is worse; {confidence} % paired-bootstrap interval ({report.Settings.BootstrapSamples} resamples, seed {report.Settings.Seed}) over {resampled}."));
        if (ForgettingMetricText.TaskSources(report) is { } sources)
        {
            md.AppendLine().AppendLine(sources);
        }

        md.AppendLine();
        md.AppendLine(inv, $"| dataset | metric | base | merged | Δ | {confidence} % interval | MDE |");
        md.AppendLine("|---|---|---:|---:|---:|---|---:|");
        foreach (var m in report.Metrics)
        {
            var label = ForgettingMetricText.Label(m.Metric);
            md.AppendLine(inv, $"| {m.Dataset} | {(m.IsGated ? $"**{label}**" : label)} | {ForgettingMetricText.Value(m.Base)} | {ForgettingMetricText.Value(m.Merged)} | {ForgettingMetricText.Delta(m.Metric, m.Delta)} | {ForgettingMetricText.Interval(m.Metric, m)} | {ForgettingMetricText.MinimumDetectableEffect(m.Metric, m)} |");
        }

        md.AppendLine();
        md.AppendLine(string.Create(inv, $"A corpus of fewer than {ForgettingSettings.MinDocumentsToResample} documents is resampled in blocks of consecutive tokens. MDE, the minimum detectable effect: the smallest |Δ| this data would find 4 times in 5 (two-sided α 0.05, power 0.8), 2.8 × the standard error of the per-unit deltas. McNemar: the exact paired test on the items the models answer differently (b only the base right, c only the merged model)."));
        md.AppendLine();
        md.AppendLine(string.Create(inv, $"Throughput: base {report.BaseThroughput.TokensPerSecond:N0} tokens/s, merged {report.MergedThroughput.TokensPerSecond:N0} tokens/s; {report.Elapsed.TotalSeconds:0.0} s in all."));
        return md.ToString();
    }
}
