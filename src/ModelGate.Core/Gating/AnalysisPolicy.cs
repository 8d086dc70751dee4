using ModelGate.Core.Spectral;

namespace ModelGate.Core.Gating;

/// <summary>The policy's <c>analysis</c> section: how intruders are counted (the paper's k and ε by default).</summary>
public sealed record AnalysisPolicy
{
    public int K { get; init; } = AnalysisDefaults.K;
    public double Epsilon { get; init; } = AnalysisDefaults.Epsilon;

    /// <summary><see cref="AnalysisMethod.Auto"/> or <see cref="AnalysisMethod.FullSvd"/>.</summary>
    public string Method { get; init; } = AnalysisMethod.Auto;

    /// <summary>A regular expression searched in weight names; null analyses every weight the adapters change.</summary>
    public string? Modules { get; init; }
}
