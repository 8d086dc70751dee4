using ModelGate.Core.Calibration;

namespace ModelGate.Core.Reporting;

/// <summary>
/// Where each adapter sits in the intruders-against-forgetting plot, both axes in 0..1 and bent at the fitted total
/// level and the fail level so that those fall on the middle lines: Mermaid's <c>quadrantChart</c> (it has no scatter)
/// then reads as its four quadrants, flagged or not by the count and above or below the fail level. The SVG uses
/// the same positions.
/// </summary>
public static class CalibrationScatter
{
    public static IReadOnlyList<(CalibrationSample Sample, double X, double Y)> Points(CalibrationResult result)
    {
        ArgumentNullException.ThrowIfNull(result);
        var samples = result.Samples;
        var xMax = samples.Max(s => s.TotalIntruders);
        var xPivot = result.Total.Level is { } level ? level + 0.5 : (double?)null;
        var yMin = Math.Min(samples.Min(s => s.Delta), result.FailLevel);
        var yMax = Math.Max(samples.Max(s => s.Delta), result.FailLevel);
        return [.. samples.Select(s => (s, Bend(s.TotalIntruders, 0, xPivot, Math.Max(xMax, (xPivot ?? 0) + 0.5)), Bend(s.Delta, yMin, result.FailLevel, yMax)))];
    }

    /// <summary>[min, pivot] onto [0, 0.5] and [pivot, max] onto [0.5, 1]; straight onto [0, 1] without a pivot.</summary>
    private static double Bend(double v, double min, double? pivot, double max)
    {
        if (pivot is not { } p)
        {
            return max > min ? (v - min) / (max - min) : 0.5;
        }

        var t = v <= p
            ? (p > min ? 0.5 * (v - min) / (p - min) : 0.5)
            : (max > p ? 0.5 + (0.5 * (v - p) / (max - p)) : 0.5);
        return Math.Round(Math.Clamp(t, 0, 1), 3);
    }
}
