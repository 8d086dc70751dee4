namespace ModelGate.Core.Forgetting;

/// <summary>
/// When an interval of a forgetting delta says something. A zero-width interval is not evidence: it comes from one
/// resampled unit, or from units whose deltas were all equal, and reads as certainty where there is none. Both the
/// report (which prints it as unavailable) and the gate (which then decides without it) ask here.
/// </summary>
public static class DeltaInterval
{
    /// <summary>
    /// Below this width relative to the interval's ends (at least 1) the ends differ by rounding only: deltas that did
    /// not vary still come out of the resampled sums a few ulps apart.
    /// </summary>
    private const double RelativeTolerance = 1e-9;

    public static bool HasWidth(double low, double high) =>
        high - low > RelativeTolerance * Math.Max(1, Math.Max(Math.Abs(low), Math.Abs(high)));
}
