namespace ModelGate.Core;

/// <summary>Where a long analysis or merge stands (per tensor); front ends draw it (a live bar on a terminal, log lines otherwise).</summary>
public sealed record WorkProgress(int Completed, int Total, string Current, TimeSpan Elapsed)
{
    /// <summary>Remaining time extrapolated from the modules done so far; null before the first one.</summary>
    public TimeSpan? Remaining => Completed == 0 ? null : Elapsed / Completed * (Total - Completed);
}
