using System.Globalization;

namespace ModelGate.Core.Repair;

/// <summary>
/// A repair chosen by measurement: every λ of the sweep measured, and the one chosen (the passing λ with the least
/// task cost, the largest of those on a tie), or none when no λ passes.
/// </summary>
public sealed record RepairSweepResult
{
    /// <summary>The intruders of the adapter as trained.</summary>
    public required int IntrudersBefore { get; init; }

    /// <summary>One point per λ, in the order asked.</summary>
    public required IReadOnlyList<RepairSweepPoint> Points { get; init; }

    /// <summary>The held-out task text the task cost was measured on; null when none was given.</summary>
    public string? TaskCorpus { get; init; }

    /// <summary>Where the chosen repair was written; null when no λ passes (nothing is written then).</summary>
    public string? OutputFolder { get; init; }

    /// <summary>The chosen point; null when no λ passes.</summary>
    public RepairSweepPoint? Chosen => Choose(Points);

    /// <summary>
    /// Among the points that pass, the least task cost (a missing cost counts as none); on a tie the largest λ, the
    /// repair that changes the adapter least.
    /// </summary>
    public static RepairSweepPoint? Choose(IReadOnlyList<RepairSweepPoint> points)
    {
        ArgumentNullException.ThrowIfNull(points);
        return points.Where(p => p.Passes)
            .OrderBy(p => p.TaskCost ?? 0)
            .ThenByDescending(p => p.Lambda)
            .FirstOrDefault();
    }

    /// <summary>λ as reports print it.</summary>
    public static string Format(double lambda) => lambda.ToString("0.###", CultureInfo.InvariantCulture);
}
