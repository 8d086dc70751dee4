using System.Globalization;
using ModelGate.Core.Lineage;
using ModelGate.Core.Reporting;
using Spectre.Console;

namespace ModelGate.Cli.Rendering;

/// <summary>The terminal view of a lineage: one row per release with a bar, then every module and layer across releases.</summary>
public static class LineageTable
{
    private const int ChartWidth = 40;

    public static void Write(IAnsiConsole console, LineageReport report)
    {
        var inv = CultureInfo.InvariantCulture;
        var unit = UnicodeBar.UnitFor(report.Steps.Max(s => s.TotalCumulative), ChartWidth);
        var releases = new Table().Border(TableBorder.Rounded)
            .Title($"Intruder dimensions across releases (k = {report.K}, ε = {report.Epsilon.ToString(inv)})")
            .AddColumn(new TableColumn("Release").RightAligned())
            .AddColumn("Adapter")
            .AddColumn(new TableColumn("Cumulative").RightAligned())
            .AddColumn(new TableColumn("New").RightAligned())
            .AddColumn(new TableColumn("Growth").RightAligned())
            .AddColumn($"Cumulative ({UnicodeBar.Block} = {unit})");
        foreach (var s in report.Steps)
        {
            releases.AddRow(
                new Text(s.Step.ToString(inv)),
                new Text(s.Adapter),
                new Text(s.TotalCumulative.ToString(inv)),
                new Markup(s.TotalNew > 0 ? $"[bold red]{s.TotalNew}[/]" : "[green]0[/]"),
                new Markup(s.Grew ? $"[red]+{s.Growth}[/]" : s.Growth.ToString(inv)),
                new Markup($"[red]{UnicodeBar.Of(s.TotalCumulative, unit)}[/]"));
        }

        console.Write(releases);

        var modules = new Table().Border(TableBorder.Simple).Title("cumulative (+new) per module; — : not changed yet").AddColumn("Module");
        var layers = new Table().Border(TableBorder.Simple).AddColumn("Layer");
        foreach (var s in report.Steps)
        {
            modules.AddColumn(new TableColumn(s.Step.ToString(inv)).RightAligned());
            layers.AddColumn(new TableColumn(s.Step.ToString(inv)).RightAligned());
        }

        foreach (var name in report.Steps[^1].Modules.Select(m => m.Name))
        {
            modules.AddRow([new Text(name), .. report.Steps.Select(s => new Text(s.Modules.FirstOrDefault(m => m.Name == name) is { } m ? Cell(m.Cumulative, m.New) : "—"))]);
        }

        foreach (var layer in report.Steps.SelectMany(s => s.Layers).Select(l => l.Layer).Distinct().OrderBy(l => l ?? int.MaxValue))
        {
            layers.AddRow([new Text(layer?.ToString(inv) ?? "—"), .. report.Steps.Select(s => new Text(s.Layers.FirstOrDefault(l => l.Layer == layer) is { } l ? Cell(l.Cumulative, l.New) : "—"))]);
        }

        console.Write(modules);
        console.Write(layers);

        var last = report.Steps[^1];
        var verdict = last.TotalCumulative == 0 ? "[green]no intruder dimensions[/]" : $"[bold red]{last.TotalCumulative} intruder dimensions[/]";
        console.MarkupLine($"{verdict} against the base after {report.Steps.Count} release{(report.Steps.Count == 1 ? "" : "s")}, {last.TotalNew} new in the last " +
                           $"(largest growth in one release: {report.MaxGrowth}; {Markup.Escape(report.Device)}, {report.Elapsed.TotalSeconds.ToString("0.0", inv)} s)");
        foreach (var w in report.Warnings)
        {
            console.MarkupLine($"[yellow]warning:[/] {Markup.Escape(w)}");
        }
    }

    private static string Cell(int cumulative, int added) => added > 0 ? $"{cumulative} (+{added})" : cumulative.ToString(CultureInfo.InvariantCulture);
}
