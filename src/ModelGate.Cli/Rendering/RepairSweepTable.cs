using System.Globalization;
using ModelGate.Core.Gating;
using ModelGate.Core.Repair;
using ModelGate.Core.Reporting;
using Spectre.Console;
using Spectre.Console.Rendering;

namespace ModelGate.Cli.Rendering;

/// <summary>The terminal view of a repair sweep: a row per λ (intruders, each forgetting rule, task cost, verdict), then the choice.</summary>
public static class RepairSweepTable
{
    public static void Write(IAnsiConsole console, RepairSweepResult result)
    {
        var inv = CultureInfo.InvariantCulture;
        var targets = result.Points.SelectMany(p => p.Rules).Select(r => r.Target ?? r.Id).Distinct(StringComparer.Ordinal).ToArray();
        var hasCost = result.Points.Any(p => p.TaskCost is not null);
        var table = new Table().Border(TableBorder.Rounded)
            .Title($"Repair sweep: {result.IntrudersBefore} intruders before")
            .AddColumn(new TableColumn("λ").RightAligned())
            .AddColumn(new TableColumn("Intruders").RightAligned());
        foreach (var t in targets)
        {
            table.AddColumn(new TableColumn(Markup.Escape(t)).RightAligned());
        }

        if (hasCost)
        {
            table.AddColumn(new TableColumn("Task cost %").RightAligned());
        }

        table.AddColumn("Forgetting rules");
        foreach (var p in result.Points)
        {
            var cells = new List<IRenderable>
            {
                new Markup(ReferenceEquals(p, result.Chosen) ? $"[bold green]{RepairSweepResult.Format(p.Lambda)} ✓[/]" : RepairSweepResult.Format(p.Lambda)),
                new Text(p.Intruders.ToString(inv)),
            };
            foreach (var t in targets)
            {
                var rule = p.Rules.FirstOrDefault(r => (r.Target ?? r.Id) == t);
                cells.Add(new Text(rule is null ? "—" : rule.Interval is { } i
                    ? string.Create(inv, $"{rule.Observed:+0.###;-0.###;0} [{i.Low:0.###}, {i.High:0.###}]")
                    : rule.Observed.ToString("+0.###;-0.###;0", inv)));
            }

            if (hasCost)
            {
                cells.Add(new Text(p.TaskCost is { } c ? c.ToString("+0.###;-0.###;0", inv) : "—"));
            }

            var status = p.Rules.Max(r => r.Status);
            cells.Add(new Markup(p.Passes ? $"[green]{GateWords.Of(status)}[/]" : $"[red]{GateWords.Of(status)} (blocks)[/]"));
            table.AddRow(cells);
        }

        console.Write(table);
        console.WriteLine(RepairSweepMarkdown.Summary(result).Replace("`", "", StringComparison.Ordinal));
    }
}
