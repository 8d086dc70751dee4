namespace ModelGate.Core.Spectral;

/// <summary>
/// The analysis values used when no option, setting or policy gives one: Shuttleworth et al.'s k and ε, and the
/// iterative paths' tolerance. Core, the CLI's help and settings, the policy and the MSBuild defaults all read these.
/// </summary>
public static class AnalysisDefaults
{
    /// <summary>The paper's default: the top 10 tuned singular vectors are compared.</summary>
    public const int K = 10;

    /// <summary>The paper's default threshold on the max |cosine| below which a tuned direction is an intruder.</summary>
    public const double Epsilon = 0.5;

    /// <summary>The iterative paths stop when every top-k triplet has ‖M·v − σ·u‖ ≤ Tolerance·σ₁.</summary>
    public const double Tolerance = 1e-6;
}
