namespace ModelGate.Core.Spectral;

/// <summary>The ways a module's tuned spectrum can be computed; all give the paper's counts.</summary>
public static class AnalysisMethod
{
    /// <summary>Choose per module: <see cref="LowRank"/> for plain LoRA updates, <see cref="Krylov"/> otherwise.</summary>
    public const string Auto = "auto";

    /// <summary>The reference: thin SVD of W0 and of Wt in float32, as the paper's code.</summary>
    public const string FullSvd = "full-svd";

    /// <summary>Cached base spectrum + the rank-r update, solved in the small space [U0, Q] × [V0, P].</summary>
    public const string LowRank = "low-rank";

    /// <summary>Cached base spectrum + block Krylov on the dense tuned matrix (DoRA, replacements, full fine-tunes).</summary>
    public const string Krylov = "krylov";

    public static IReadOnlyList<string> Choices { get; } = [Auto, FullSvd];
}
