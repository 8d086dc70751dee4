using System.Globalization;
using ModelGate.Core.Forgetting;
using ModelGate.Core.Reporting;
using Spectre.Console;

namespace ModelGate.Cli.Rendering;

/// <summary>The terminal view of <c>forgetting</c>: base vs merged per dataset and metric, the gated metrics in bold, deltas coloured by whether the interval clears zero.</summary>
public static class ForgettingTable
{
    public static void Write(IAnsiConsole console, ForgettingReport report)
    {
        var inv = CultureInfo.InvariantCulture;
        var confidence = (report.Settings.Confidence * 100).ToString("0", inv);
        var table = new Table().Border(TableBorder.Rounded)
            .Title(string.Create(inv, $"Forgetting: base vs merged ({report.ModelType}, {report.Kind.ToString().ToLowerInvariant()} LM, window {report.MaxLength}, stride {report.Stride})"))
            .AddColumn("Dataset")
            .AddColumn("Metric")
            .AddColumn(new TableColumn("Base").RightAligned())
            .AddColumn(new TableColumn("Merged").RightAligned())
            .AddColumn(new TableColumn("Δ (+ = worse)").RightAligned())
            .AddColumn($"{confidence} % interval")
            .AddColumn(new TableColumn("MDE").RightAligned());
        foreach (var m in report.Metrics)
        {
            var label = Markup.Escape(ForgettingMetricText.Label(m.Metric));
            var colour = m.CiLow > 0 ? "red" : m.CiHigh < 0 ? "green" : "default";
            table.AddRow(
                new Text(m.Dataset),
                new Markup(m.IsGated ? $"[bold]{label}[/]" : label),
                new Text(ForgettingMetricText.Value(m.Base)),
                new Text(ForgettingMetricText.Value(m.Merged)),
                new Markup($"[{colour}]{Markup.Escape(ForgettingMetricText.Delta(m.Metric, m.Delta))}[/]"),
                new Text(ForgettingMetricText.Interval(m.Metric, m)),
                new Text(ForgettingMetricText.MinimumDetectableEffect(m.Metric, m)));
        }

        console.Write(table);
        if (ForgettingMetricText.TaskSources(report) is { } sources)
        {
            console.MarkupLine(Markup.Escape(sources));
        }

        console.MarkupLine(Markup.Escape(string.Create(inv,
            $"{report.Settings.BootstrapSamples} paired-bootstrap resamples (seed {report.Settings.Seed}) over {string.Join(", ", report.Datasets.Select(d => $"{ForgettingMetricText.Resampled(d)} of {d.Name}"))}; MDE: smallest |Δ| found 4 times in 5 at α 0.05; " +
            $"base {report.BaseThroughput.TokensPerSecond:N0} tok/s, merged {report.MergedThroughput.TokensPerSecond:N0} tok/s, {report.Elapsed.TotalSeconds:0.0} s")));
    }
}
