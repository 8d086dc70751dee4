using System.Globalization;
using ModelGate.Core.Gating;
using Spectre.Console;

namespace ModelGate.Cli.Rendering;

/// <summary>The terminal view of a gate run: every rule with its observed value and levels, then the verdict line.</summary>
public static class GateTable
{
    public static void Write(IAnsiConsole console, GateResult result)
    {
        var inv = CultureInfo.InvariantCulture;
        var verdict = result.Verdict;
        var table = new Table().Border(TableBorder.Rounded)
            .Title($"Gate rules (k = {result.Analysis.K}, ε = {result.Analysis.Epsilon.ToString(inv)}, policy: {Markup.Escape(result.Policy.Source)})")
            .AddColumn("Status")
            .AddColumn("Rule")
            .AddColumn("Code")
            .AddColumn("Target")
            .AddColumn(new TableColumn("Observed").RightAligned())
            .AddColumn(new TableColumn("Warn >").RightAligned())
            .AddColumn(new TableColumn("Fail >").RightAligned());
        foreach (var r in verdict.Rules)
        {
            table.AddRow(
                new Markup(Status(r.Status)),
                new Text(r.Id),
                new Text(r.Code),
                new Text(r.Target ?? "—"),
                new Text(r.Observed.ToString("0.####", inv)),
                new Text(r.Warn?.ToString(inv) ?? "—"),
                new Text(r.Fail?.ToString(inv) ?? "—"));
        }

        if (verdict.Rules.Count == 0)
        {
            table.AddRow(new Text("—"), new Text("no rule applies"), new Text(""), new Text(""), new Text(""), new Text(""), new Text(""));
        }

        console.Write(table);
        foreach (var r in verdict.Rules.Where(r => r.Status > RuleStatus.Pass))
        {
            console.MarkupLine($"{Status(r.Status)} {r.Code} {Markup.Escape(r.Message)}");
        }

        foreach (var w in result.Warnings)
        {
            console.MarkupLine($"[yellow]warning:[/] {Markup.Escape(w)}");
        }

        var growth = result.Growth is { } g ? $", {(g > 0 ? "+" : "")}{g} against the baseline" : "";
        var decision = verdict.Allowed ? "[green]release allowed[/]" : "[bold red]release blocked[/]";
        console.MarkupLine($"gate {Status(verdict.Status)}: {decision} (exit {verdict.ExitCode}, fail on {GateWords.Of(verdict.FailOn)}): " +
                           $"{result.Analysis.TotalIntruders} intruder dimensions in {result.Analysis.Modules.Count(m => m.Intruders > 0)} of {result.Analysis.Modules.Count} modules{growth} " +
                           $"({Markup.Escape(result.Analysis.Paths)}, {Markup.Escape(result.Analysis.Device)}, {result.Run.Elapsed.TotalSeconds.ToString("0.0", inv)} s)");
        if (result.Repair is { } repair)
        {
            WriteRepair(console, result, repair);
        }
    }

    /// <summary>Which repair would pass: recounted for the intruder rules, never claimed for forgetting without a measurement.</summary>
    private static void WriteRepair(IAnsiConsole console, GateResult result, RepairAdvice repair)
    {
        var inv = CultureInfo.InvariantCulture;
        var (baseModel, adapter) = (result.Run.BaseModel.Display, result.Run.Adapters.Count == 1 ? result.Run.Adapters[0].Display : "ADAPTER");
        var recounted = string.Join(", ", repair.Recounts.Select(r => $"λ {r.Lambda.ToString(inv)} → {r.Intruders.ToString(inv)}{(r.IntruderRulesPass ? " pass" : "")}"));
        if (repair.IntrudersPassAt is { } lambda)
        {
            console.MarkupLine(Markup.Escape($"repair: the intruder rules pass after mitigate --base {baseModel} --adapter {adapter} --lambda {lambda.ToString(inv)} --output DIR " +
                                             $"(recounted: {recounted}); forgetting was not measured for it"));
        }
        else if (repair.Recounts.Count > 0)
        {
            console.MarkupLine(Markup.Escape($"repair: no λ tried makes the intruder rules pass (recounted: {recounted})"));
        }

        console.MarkupLine(Markup.Escape((repair.ForgettingBlocked ? "repair: forgetting blocked the release; " : "repair: ") +
                                         $"mitigate --base {baseModel} --adapter {adapter} --sweep 1,0.75,0.5,0.25,0 --corpus HELD-OUT --output DIR measures forgetting per λ and writes the one that passes"));
    }

    private static string Status(RuleStatus status) => status switch
    {
        RuleStatus.Pass => "[green]PASS[/]",
        RuleStatus.Warn => "[yellow]WARN[/]",
        _ => "[bold red]FAIL[/]",
    };
}
