namespace ModelGate.Core.Calibration;

/// <summary>
/// What calibration found: each adapter's counts and forgetting, the fitted levels of the three intruder counts,
/// how the levels together would have sorted the adapters, and how intruders and forgetting rank together.
/// </summary>
public sealed record CalibrationResult
{
    public required IReadOnlyList<CalibrationSample> Samples { get; init; }

    /// <summary>The level of the total count (<c>intruders.total</c>).</summary>
    public required FittedThreshold Total { get; init; }

    /// <summary>The level of the largest single-module count (<c>intruders.perModule</c>, one entry matching every module).</summary>
    public required FittedThreshold PerModule { get; init; }

    /// <summary>The level of the largest per-block count (<c>intruders.perLayer</c>).</summary>
    public required FittedThreshold PerLayer { get; init; }

    /// <summary>The fitted levels together: an adapter is flagged when any of its counts is above its level.</summary>
    public required FittedThreshold Combined { get; init; }

    /// <summary>Spearman's ρ of the total count against the plotted forgetting delta.</summary>
    public required RankCorrelation Correlation { get; init; }

    /// <summary>The plotted metric's fail level in the policy: what "forgets" is measured against.</summary>
    public required double FailLevel { get; init; }

    /// <summary>Things the reader must know before trusting the levels (too few adapters, nothing to separate).</summary>
    public IReadOnlyList<string> Warnings { get; init; } = [];

    /// <summary>Whether any level was fitted; when none is, a calibrated policy keeps the intruder rules it started from.</summary>
    public bool AnyFitted => Total.Level is not null || PerModule.Level is not null || PerLayer.Level is not null;
}
