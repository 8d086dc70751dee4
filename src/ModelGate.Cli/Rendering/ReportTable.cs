using System.Globalization;
using ModelGate.Core.Spectral;
using Spectre.Console;
using Spectre.Console.Rendering;

namespace ModelGate.Cli.Rendering;

/// <summary>The terminal view of an analysis: one row per module, then per-layer totals and the ε-sweep.</summary>
public static class ReportTable
{
    public static void Write(IAnsiConsole console, IntruderReport report)
    {
        var inv = CultureInfo.InvariantCulture;
        var modules = new Table().Border(TableBorder.Rounded)
            .Title($"Intruder dimensions (k = {report.K}, ε = {report.Epsilon.ToString(inv)})")
            .AddColumn("Module")
            .AddColumn(new TableColumn("Shape").RightAligned())
            .AddColumn(new TableColumn("Intruders").RightAligned())
            .AddColumn("Max |cos| of the top-k tuned vectors");
        foreach (var m in report.Modules)
        {
            var cosines = string.Join(" ", m.MaxCosines.Select(c => c < report.Epsilon
                ? $"[red]{c.ToString("0.00", inv)}[/]"
                : c.ToString("0.00", inv)));
            modules.AddRow(
                new Text(m.Name),
                new Text(string.Join("×", m.Shape)),
                new Markup(m.Intruders > 0 ? $"[bold red]{m.Intruders}[/]" : "[green]0[/]"),
                new Markup(cosines));
        }

        console.Write(modules);

        var layers = new Table().Border(TableBorder.Simple).AddColumn("Layer").AddColumn(new TableColumn("Modules").RightAligned()).AddColumn(new TableColumn("Intruders").RightAligned());
        foreach (var l in report.Layers)
        {
            layers.AddRow(l.Layer?.ToString(inv) ?? "—", l.Modules.ToString(inv), l.Intruders.ToString(inv));
        }

        var sweep = new Table().Border(TableBorder.Simple).AddColumn("ε");
        var totals = report.SweepTotals;
        var cells = new List<IRenderable> { new Text("intruders") };
        for (var i = 0; i < EpsilonSweep.Thresholds.Count; i++)
        {
            sweep.AddColumn(new TableColumn(EpsilonSweep.Thresholds[i].ToString("0.0", inv)).RightAligned());
            cells.Add(new Text(totals[i].ToString(inv)));
        }

        sweep.AddRow(cells);
        console.Write(new Columns(layers, sweep).Collapse());

        var verdict = report.TotalIntruders == 0 ? "[green]no intruder dimensions[/]" : $"[bold red]{report.TotalIntruders} intruder dimensions[/]";
        console.MarkupLine($"{verdict} in {report.Modules.Count(m => m.Intruders > 0)} of {report.Modules.Count} modules " +
                           $"({Markup.Escape(report.Paths)}, {Markup.Escape(report.Device)}, {report.Elapsed.TotalSeconds.ToString("0.0", inv)} s" +
                           (report.CacheFolder is null ? "" : $", {report.CacheMisses} base spectra computed") +
                           (report.Spectra is null ? "" : $", {report.SpectraFetched} fetched from {Markup.Escape(report.Spectra)}") +
                           (report.BytesFetched == 0 ? ")" : $", {report.BytesFetched.ToString("N0", inv)} bytes fetched)"));
        foreach (var w in report.Warnings)
        {
            console.MarkupLine($"[yellow]warning:[/] {Markup.Escape(w)}");
        }
    }
}
