namespace ModelGate.Core.Spectral.Sharding;

/// <summary>
/// How much linear algebra one module costs, in multiply-adds up to a constant, from its shape alone, so that every
/// job of a matrix computes the same split without measuring anything. Only the relative sizes matter.
/// </summary>
public static class ModuleCost
{
    /// <summary>A thin SVD of an m × n matrix: m·n·min(m, n) (a cold base spectrum, or the paper's full SVD).</summary>
    public static double ColdSpectrum(long rows, long cols) => (double)rows * cols * Math.Min(rows, cols);

    /// <summary>
    /// The warm low-rank path: its big products are U0ᵀ·B and A·V0, (m + n)·min(m, n)·R; the block Krylov iteration
    /// on the small problem is of the same order and left out.
    /// </summary>
    public static double LowRank(long rows, long cols, int rank) => (double)(rows + cols) * Math.Min(rows, cols) * rank;

    /// <summary>
    /// A module's work in an analysis: with the full-svd method two SVDs (W0 and Wt); a low-rank update
    /// (<paramref name="lowRank"/> &gt; 0) its warm cost; anything else (the dense Krylov path) one SVD's worth.
    /// </summary>
    public static double Of(long rows, long cols, int lowRank, string method) =>
        method == AnalysisMethod.FullSvd ? 2 * ColdSpectrum(rows, cols)
        : lowRank > 0 ? LowRank(rows, cols, lowRank)
        : ColdSpectrum(rows, cols);
}
