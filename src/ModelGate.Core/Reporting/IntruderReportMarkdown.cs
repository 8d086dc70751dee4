using System.Globalization;
using System.Text;
using ModelGate.Core.Spectral;

namespace ModelGate.Core.Reporting;

/// <summary>A Markdown summary of an analysis: totals, per layer, per module, the ε-sweep.</summary>
public static class IntruderReportMarkdown
{
    public static string Render(IntruderReport report)
    {
        var inv = CultureInfo.InvariantCulture;
        var sb = new StringBuilder();
        sb.AppendLine("## Intruder dimensions");
        sb.AppendLine();
        sb.AppendLine(inv, $"**{report.TotalIntruders}** intruder dimensions in {report.Modules.Count(m => m.Intruders > 0)} of {report.Modules.Count} modules " +
                           $"(top k = {report.K}, ε = {report.Epsilon.ToString(inv)}; {report.Paths}{(report.Tolerance > 0 ? $", residual ≤ {report.Tolerance.ToString("0.#E+0", inv)}·σ₁" : "")}).");
        sb.AppendLine();
        sb.AppendLine(inv, $"- Base: `{report.BaseModel}`");
        sb.AppendLine(inv, $"- {(report.Kind == ComparisonKind.Adapter ? "Adapters (in merge order)" : "Fine-tuned model")}: {string.Join(", ", report.Tuned.Select(t => $"`{t}`"))}");
        sb.AppendLine();

        sb.AppendLine("| Layer | Modules | Intruders |");
        sb.AppendLine("|---:|---:|---:|");
        foreach (var layer in report.Layers)
        {
            sb.AppendLine(inv, $"| {(layer.Layer?.ToString(inv) ?? "—")} | {layer.Modules} | {layer.Intruders} |");
        }

        sb.AppendLine();
        sb.AppendLine("| Module | Shape | Intruders | Max cosines (top k) |");
        sb.AppendLine("|---|---|---:|---|");
        foreach (var m in report.Modules)
        {
            var cosines = string.Join(" ", m.MaxCosines.Select(c => c.ToString("0.00", inv)));
            sb.AppendLine(inv, $"| `{m.Name}` | {string.Join("×", m.Shape)} | {m.Intruders} | {cosines} |");
        }

        sb.AppendLine();
        sb.AppendLine("| ε | " + string.Join(" | ", EpsilonSweep.Thresholds.Select(e => e.ToString("0.0", inv))) + " |");
        sb.AppendLine("|---|" + string.Concat(Enumerable.Repeat("---:|", EpsilonSweep.Thresholds.Count)));
        sb.AppendLine("| intruders | " + string.Join(" | ", report.SweepTotals) + " |");
        foreach (var w in report.Warnings)
        {
            sb.AppendLine();
            sb.AppendLine(inv, $"> ⚠ {w}");
        }

        return sb.ToString();
    }
}
