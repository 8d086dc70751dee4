using System.Globalization;
using System.Text;
using ModelGate.Core.Gating;
using ModelGate.Core.Repair;

namespace ModelGate.Core.Reporting;

/// <summary>
/// A repair sweep in Markdown: the choice in a sentence, a table with a row per λ (intruders, each forgetting rule's
/// delta and interval, the task cost, the verdict), and a Mermaid chart of forgetting and task cost against λ.
/// </summary>
public static class RepairSweepMarkdown
{
    private static readonly CultureInfo Inv = CultureInfo.InvariantCulture;

    public static string Render(RepairSweepResult result)
    {
        ArgumentNullException.ThrowIfNull(result);
        var sb = new StringBuilder();
        sb.AppendLine("## Repair chosen by measurement");
        sb.AppendLine();
        sb.AppendLine(Summary(result));
        sb.AppendLine();

        var targets = result.Points.SelectMany(p => p.Rules).Select(r => r.Target ?? r.Id).Distinct(StringComparer.Ordinal).ToArray();
        var hasCost = result.Points.Any(p => p.TaskCost is not null);
        sb.Append("| λ | Intruders |");
        foreach (var t in targets)
        {
            sb.Append(Inv, $" {t} |");
        }

        sb.AppendLine(hasCost ? " Task cost (%) | Forgetting rules |" : " Forgetting rules |");
        sb.Append("|---:|---:|");
        sb.Append(string.Concat(targets.Select(_ => "---:|")));
        sb.AppendLine(hasCost ? "---:|---|" : "---|");
        foreach (var p in result.Points)
        {
            var chosen = ReferenceEquals(p, result.Chosen) ? " ✅" : "";
            sb.Append(Inv, $"| {RepairSweepResult.Format(p.Lambda)}{chosen} | {p.Intruders} |");
            foreach (var t in targets)
            {
                sb.Append(Inv, $" {Cell(p.Rules.FirstOrDefault(r => (r.Target ?? r.Id) == t))} |");
            }

            if (hasCost)
            {
                sb.Append(Inv, $" {(p.TaskCost is { } c ? Signed(c) : "—")} |");
            }

            sb.AppendLine(Inv, $" {GateWords.Of(p.Rules.Max(r => r.Status))}{(p.Passes ? "" : " (blocks)")} |");
        }

        sb.AppendLine();
        sb.AppendLine("```mermaid");
        sb.AppendLine("xychart-beta");
        sb.AppendLine(hasCost
            ? "    title \"Forgetting (first lines) and task cost (last line) against λ\""
            : "    title \"Forgetting against λ\"");
        sb.AppendLine(Inv, $"    x-axis \"λ\" [{string.Join(", ", result.Points.Select(p => $"\"{RepairSweepResult.Format(p.Lambda)}\""))}]");
        var series = targets.Select(t => result.Points.Select(p => p.Rules.FirstOrDefault(r => (r.Target ?? r.Id) == t)?.Observed ?? 0).ToArray()).ToList();
        if (hasCost)
        {
            series.Add(result.Points.Select(p => p.TaskCost ?? 0).ToArray());
        }

        var all = series.SelectMany(s => s).ToArray();
        sb.AppendLine(Inv, $"    y-axis \"delta\" {Number(Math.Min(0, all.Min()))} --> {Number(Math.Max(1, all.Max()))}");
        foreach (var s in series)
        {
            sb.AppendLine(Inv, $"    line [{string.Join(", ", s.Select(Number))}]");
        }

        sb.AppendLine("```");
        return sb.ToString();
    }

    /// <summary>The choice in one sentence: which λ, and why; or that none passes and nothing was written.</summary>
    public static string Summary(RepairSweepResult result)
    {
        ArgumentNullException.ThrowIfNull(result);
        var lambdas = string.Join(", ", result.Points.Select(p => RepairSweepResult.Format(p.Lambda)));
        if (result.Chosen is not { } chosen)
        {
            return $"No λ of {lambdas} passes the policy's forgetting rules; nothing was written.";
        }

        var why = result.TaskCorpus is null
            ? "the largest λ that passes the policy's forgetting rules (no task text given, so no task cost)"
            : $"of the λ that pass the policy's forgetting rules, the least task cost on {Path.GetFileName(result.TaskCorpus)} ({Signed(chosen.TaskCost ?? 0)} % perplexity against λ = 1)";
        return $"Chose λ = {RepairSweepResult.Format(chosen.Lambda)} of {lambdas}: {why}; {result.IntrudersBefore} → {chosen.Intruders} intruders. Written to `{result.OutputFolder}`.";
    }

    private static string Cell(RuleResult? r) => r is null ? "—"
        : r.Interval is { } i ? $"{Signed(r.Observed)} [{Number(i.Low)}, {Number(i.High)}]" : Signed(r.Observed);

    private static string Number(double v) => v.ToString("0.###", Inv);

    private static string Signed(double v) => v > 0 ? "+" + Number(v) : Number(v);
}
