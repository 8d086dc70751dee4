using System.Globalization;
using System.Text;
using ModelGate.Core.Lineage;

namespace ModelGate.Core.Reporting;

/// <summary>
/// A Markdown summary of a lineage for a pull-request comment: a table over releases, a bar chart that needs no
/// image (Unicode bars in a code block, and a Mermaid chart where GitHub renders one), then per layer and per module.
/// </summary>
public static class LineageReportMarkdown
{
    private const int ChartWidth = 40;

    public static string Render(LineageReport report)
    {
        var inv = CultureInfo.InvariantCulture;
        var sb = new StringBuilder();
        var last = report.Steps[^1];
        sb.AppendLine("## Intruder dimensions across releases");
        sb.AppendLine();
        sb.AppendLine(inv, $"**{last.TotalCumulative}** intruder dimensions against the base after {report.Steps.Count} release{(report.Steps.Count == 1 ? "" : "s")}; " +
                           $"the last release brought {last.TotalNew} new (top k = {report.K}, ε = {report.Epsilon.ToString(inv)}).");
        sb.AppendLine();
        sb.AppendLine(inv, $"- Base: `{report.BaseModel}`");
        sb.AppendLine("- *Cumulative*: the weights after releases 1…i against the base. *New*: against the weights after release i−1, i.e. what release i brought by itself.");
        sb.AppendLine();

        sb.AppendLine("| Release | Adapter | Cumulative | New | Growth |");
        sb.AppendLine("|---:|---|---:|---:|---:|");
        foreach (var s in report.Steps)
        {
            sb.AppendLine(inv, $"| {s.Step} | `{s.Adapter}` | {s.TotalCumulative} | {s.TotalNew} | {Signed(s.Growth)} |");
        }

        sb.AppendLine();
        var unit = UnicodeBar.UnitFor(report.Steps.Max(s => s.TotalCumulative), ChartWidth);
        var names = report.Steps.Select(s => $"{s.Step} {ShortName(s.Adapter)}").ToArray();
        var nameWidth = names.Max(n => n.Length);
        var bars = report.Steps.Select(s => UnicodeBar.Of(s.TotalCumulative, unit)).ToArray();
        var barWidth = Math.Max(1, bars.Max(b => b.Length));
        sb.AppendLine(inv, $"Cumulative intruders per release ({UnicodeBar.Block} = {unit} intruder{(unit == 1 ? "" : "s")}):");
        sb.AppendLine();
        sb.AppendLine("```text");
        for (var i = 0; i < report.Steps.Count; i++)
        {
            var s = report.Steps[i];
            sb.AppendLine(inv, $"{names[i].PadRight(nameWidth)}  {bars[i].PadRight(barWidth)}  {s.TotalCumulative} ({s.TotalNew} new)");
        }

        sb.AppendLine("```");
        sb.AppendLine();
        sb.AppendLine("```mermaid");
        sb.AppendLine("xychart-beta");
        sb.AppendLine("    title \"Intruder dimensions per release (bars: cumulative, line: new)\"");
        sb.AppendLine(inv, $"    x-axis [{string.Join(", ", names.Select(n => $"\"{n.Replace("\"", "'", StringComparison.Ordinal)}\""))}]");
        sb.AppendLine(inv, $"    y-axis \"intruders\" 0 --> {Math.Max(1, report.Steps.Max(s => Math.Max(s.TotalCumulative, s.TotalNew)))}");
        sb.AppendLine(inv, $"    bar [{string.Join(", ", report.Steps.Select(s => s.TotalCumulative))}]");
        sb.AppendLine(inv, $"    line [{string.Join(", ", report.Steps.Select(s => s.TotalNew))}]");
        sb.AppendLine("```");
        sb.AppendLine();

        var header = "| " + string.Join(" | ", report.Steps.Select(s => s.Step.ToString(inv))) + " |";
        var rule = string.Concat(Enumerable.Repeat("---:|", report.Steps.Count));
        sb.AppendLine("Per layer, cumulative (new) after each release:");
        sb.AppendLine();
        sb.AppendLine("| Layer " + header);
        sb.AppendLine("|---:|" + rule);
        foreach (var layer in report.Steps.SelectMany(s => s.Layers).Select(l => l.Layer).Distinct().OrderBy(l => l ?? int.MaxValue))
        {
            var cells = report.Steps.Select(s => s.Layers.FirstOrDefault(l => l.Layer == layer) is { } l ? Cell(l.Cumulative, l.New) : "—");
            sb.AppendLine(inv, $"| {layer?.ToString(inv) ?? "—"} | {string.Join(" | ", cells)} |");
        }

        sb.AppendLine();
        sb.AppendLine("Per module, cumulative (new) after each release; — : not changed yet:");
        sb.AppendLine();
        sb.AppendLine("| Module " + header);
        sb.AppendLine("|---|" + rule);
        foreach (var name in last.Modules.Select(m => m.Name))
        {
            var cells = report.Steps.Select(s => s.Modules.FirstOrDefault(m => m.Name == name) is { } m ? Cell(m.Cumulative, m.New) : "—");
            sb.AppendLine(inv, $"| `{name}` | {string.Join(" | ", cells)} |");
        }

        foreach (var w in report.Warnings)
        {
            sb.AppendLine();
            sb.AppendLine(inv, $"> ⚠ {w}");
        }

        return sb.ToString();
    }

    /// <summary>The folder's own name: the full paths are in the table above, the chart needs short labels.</summary>
    public static string ShortName(string folder)
    {
        var name = Path.GetFileName(folder.TrimEnd('/', '\\'));
        return name.Length == 0 ? folder : name;
    }

    private static string Cell(int cumulative, int added) => added > 0 ? $"{cumulative} (+{added})" : cumulative.ToString(CultureInfo.InvariantCulture);

    private static string Signed(int value) => value > 0 ? "+" + value.ToString(CultureInfo.InvariantCulture) : value.ToString(CultureInfo.InvariantCulture);
}
