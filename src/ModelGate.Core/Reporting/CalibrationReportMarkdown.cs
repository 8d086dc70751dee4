using System.Globalization;
using System.Text;
using ModelGate.Core.Calibration;

namespace ModelGate.Core.Reporting;

/// <summary>
/// The calibration report: the fitted levels and how they sort the adapters, the rank correlation, a Mermaid
/// <c>quadrantChart</c> of intruders against forgetting (<see cref="CalibrationScatter"/>), and every adapter's row.
/// </summary>
public static class CalibrationReportMarkdown
{
    private static readonly CultureInfo Inv = CultureInfo.InvariantCulture;

    public static string Render(CalibrationResult result)
    {
        ArgumentNullException.ThrowIfNull(result);
        var samples = result.Samples;
        var metric = samples[0].Metric;
        var md = new StringBuilder();
        md.Append(Inv, $"# Intruder calibration: {samples.Count} adapters, {samples.Count(s => s.Forgets)} forget\n\n");
        md.Append(Inv, $"An adapter *forgets* when a forgetting rule of the policy fails: its interval's lower end is above the fail level (plotted: {metric} on {samples[0].Dataset}, fail level {N(result.FailLevel)}). ");
        md.Append("A count *above* its fitted level flags the adapter; the calibrated policy then runs the forgetting benchmark for it.\n\n");
        foreach (var warning in result.Warnings)
        {
            md.Append("> ⚠️ ").Append(warning).Append("\n\n");
        }

        md.Append("## Fitted levels\n\n| Count | Level (flagged above) | Forgets, not flagged | Flagged, does not forget |\n|---|---:|---:|---:|\n");
        Row(md, "intruders.total", result.Total);
        Row(md, "intruders.perModule (most in one module)", result.PerModule);
        Row(md, "intruders.perLayer (most in one block)", result.PerLayer);
        Row(md, "all fitted levels together", result.Combined);
        md.Append('\n');

        var c = result.Correlation;
        md.Append("## Rank correlation\n\n");
        md.Append(c.Rho is { } rho
            ? $"Spearman ρ of total intruders against {metric}: **{rho.ToString("0.###", Inv)}**"
              + (c.Low is { } low && c.High is { } high ? $" (95 % interval {low.ToString("0.###", Inv)} to {high.ToString("0.###", Inv)}, Fisher z), n = {c.Count}.\n\n" : $", n = {c.Count} (too few for an interval).\n\n")
            : $"Spearman ρ is undefined: the counts or the deltas do not vary over the {c.Count} adapters.\n\n");

        md.Append("## Intruders against forgetting\n\n```mermaid\nquadrantChart\n    title Total intruders against ").Append(metric).Append('\n');
        md.Append("    x-axis Few intruders --> Many intruders\n    y-axis Less forgetting --> More forgetting\n");
        md.Append("    quadrant-1 Flagged, forgets\n    quadrant-2 Not flagged, forgets\n    quadrant-3 Not flagged, fine\n    quadrant-4 Flagged, fine\n");
        foreach (var (sample, x, y) in CalibrationScatter.Points(result))
        {
            md.Append("    ").Append(Label(sample.Adapter)).Append(Inv, $": [{x.ToString("0.###", Inv)}, {y.ToString("0.###", Inv)}]\n");
        }

        md.Append("```\n\n");
        md.Append(result.Total.Level is { } level
            ? $"The middle lines are the fitted total level ({level}) and the fail level ({N(result.FailLevel)}); each side is scaled on its own.\n\n"
            : $"The horizontal middle line is the fail level ({N(result.FailLevel)}); no total level was fitted.\n\n");

        md.Append("## Adapters\n\n| Adapter | Total | Most in one module | Most in one block | ").Append(metric).Append(" | Interval | Forgets |\n|---|---:|---:|---:|---:|---|---|\n");
        foreach (var s in samples)
        {
            var interval = s.Interval is { } i ? $"[{N(i.Low)}, {N(i.High)}]" : "none";
            md.Append(Inv, $"| {Cell(s.Adapter)} | {s.TotalIntruders} | {s.MaxModuleIntruders} | {s.MaxLayerIntruders} | {N(s.Delta)} | {interval} | {(s.Forgets ? "yes" : "no")} |\n");
        }

        return md.ToString();
    }

    private static void Row(StringBuilder md, string name, FittedThreshold fit)
    {
        var level = fit.Level is { } l ? l.ToString(Inv) : name.StartsWith("all", StringComparison.Ordinal) ? "" : $"none: {fit.Reason}";
        md.Append(Inv, $"| {name} | {level} | {fit.WronglyPassed} | {fit.WronglyBlocked} |\n");
    }

    /// <summary>Mermaid point names are bare text: keep letters, digits and a few separators.</summary>
    private static string Label(string adapter)
    {
        var name = Path.GetFileName(Path.TrimEndingDirectorySeparator(adapter));
        var kept = new string([.. name.Select(ch => char.IsAsciiLetterOrDigit(ch) || ch is '-' or '_' or '.' ? ch : '_')]);
        return kept.Length == 0 ? "adapter" : kept;
    }

    private static string Cell(string text) => text.Replace("|", "\\|", StringComparison.Ordinal);

    private static string N(double v) => v.ToString("0.###", Inv);
}
