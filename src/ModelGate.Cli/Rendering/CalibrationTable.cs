using System.Globalization;
using ModelGate.Core.Calibration;
using Spectre.Console;

namespace ModelGate.Cli.Rendering;

/// <summary>The terminal view of <c>calibrate</c>: each adapter's counts and forgetting, then the fitted levels and the correlation.</summary>
public static class CalibrationTable
{
    public static void Write(IAnsiConsole console, CalibrationResult result)
    {
        var inv = CultureInfo.InvariantCulture;
        var table = new Table().Border(TableBorder.Rounded)
            .Title(string.Create(inv, $"Calibration: {result.Samples.Count} adapters, {result.Samples.Count(s => s.Forgets)} forget"))
            .AddColumn("Adapter")
            .AddColumn(new TableColumn("Total").RightAligned())
            .AddColumn(new TableColumn("Most in a module").RightAligned())
            .AddColumn(new TableColumn("Most in a block").RightAligned())
            .AddColumn(new TableColumn(Markup.Escape(result.Samples[0].Metric)).RightAligned())
            .AddColumn("Forgets");
        foreach (var s in result.Samples)
        {
            table.AddRow(new Text(s.Adapter), new Text(s.TotalIntruders.ToString(inv)), new Text(s.MaxModuleIntruders.ToString(inv)),
                new Text(s.MaxLayerIntruders.ToString(inv)), new Text(s.Delta.ToString("0.###", inv)), new Markup(s.Forgets ? "[red]yes[/]" : "no"));
        }

        console.Write(table);
        foreach (var (name, fit) in new[] { ("total", result.Total), ("perModule", result.PerModule), ("perLayer", result.PerLayer) })
        {
            var level = fit.Level is { } l ? $"above {l.ToString(inv)}" : $"none ({fit.Reason})";
            console.MarkupLine(Markup.Escape(string.Create(inv, $"intruders.{name}: {level}; wrongly passed {fit.WronglyPassed}, wrongly flagged {fit.WronglyBlocked}")));
        }

        var c = result.Correlation;
        var interval = c.Low is { } low && c.High is { } high
            ? string.Create(inv, $"95 % interval {low:0.###} to {high:0.###}")
            : "too few adapters for an interval";
        console.MarkupLine(Markup.Escape(c.Rho is { } rho
            ? string.Create(inv, $"Spearman ρ {rho:0.###} ({interval})")
            : "Spearman ρ undefined: the counts or the deltas do not vary"));
    }
}
