using static TorchSharp.torch;

namespace ModelGate.Core.Spectral;

/// <summary>
/// Top-k singular triplets of a matrix known only through products M·X and Mᵀ·Y: block Krylov subspace
/// [M·X₀, (MMᵀ)M·X₀, …] with full re-orthogonalisation and Rayleigh–Ritz, grown until every wanted triplet's
/// residual ‖M·vᵢ − σᵢ·uᵢ‖ is below <c>tolerance·σ₁</c> (Musco &amp; Musco 2015, "Randomized block Krylov methods").
/// When the basis reaches the matrix's full dimension the result is exact. Float64 throughout.
/// </summary>
internal static class BlockKrylov
{
    /// <param name="apply">X (cols × b) ↦ M·X (rows × b), float64.</param>
    /// <param name="applyTransposed">Y (rows × b) ↦ Mᵀ·Y (cols × b), float64.</param>
    /// <param name="start">cols × b starting block (float64); its span should contain good guesses of the top right vectors.</param>
    public static SingularTriplets Solve(Func<Tensor, Tensor> apply, Func<Tensor, Tensor> applyTransposed, long rows, long cols,
        int k, Tensor start, double tolerance, int maxBasis)
    {
        var full = Math.Min(rows, cols);
        k = (int)Math.Min(k, full);
        maxBasis = (int)Math.Min(maxBasis, full);
        var basis = Orthonormalize(apply(start), null);
        var newest = basis;
        while (true)
        {
            // Rayleigh–Ritz on the current basis Q: Mᵀ·Q = P·Σ·Rᵀ, so M ≈ (Q·R)·Σ·Pᵀ on span(Q).
            var t = applyTransposed(basis);
            var (p, sigma, rh) = linalg.svd(t, fullMatrices: false);
            var take = (int)Math.Min(k, sigma.shape[0]);
            var u = basis.matmul(rh.t().narrow(1, 0, take));
            var s = sigma.narrow(0, 0, take);
            var v = p.narrow(1, 0, take);

            var exact = basis.shape[1] >= full;
            var sigmaMax = Math.Max(sigma[0].item<double>(), double.Epsilon);
            var r = apply(v) - u * s.unsqueeze(0);
            var residual = exact ? 0 : linalg.vector_norm(r, 2, [0]).max().item<double>() / sigmaMax;
            var result = new SingularTriplets(u, s, v, residual, (int)basis.shape[1], exact || residual <= tolerance);
            if (result.Converged || basis.shape[1] >= maxBasis)
            {
                return result;
            }

            // Next block: (M·Mᵀ) applied to the newest block, made orthogonal to everything before.
            var next = Orthonormalize(apply(applyTransposed(newest)), basis);
            if (next.shape[1] == 0)
            {
                // The Krylov space is invariant under M·Mᵀ: the Ritz triplets are exact up to rounding.
                return result with { Converged = true };
            }

            newest = next.narrow(1, 0, Math.Min(maxBasis - basis.shape[1], next.shape[1]));
            basis = cat([basis, newest], 1);
        }
    }

    /// <summary>
    /// An orthonormal basis of the part of <paramref name="block"/>'s span outside <paramref name="against"/>
    /// (two passes of block Gram–Schmidt, then a rank-revealing SVD that drops directions lost to rounding).
    /// </summary>
    internal static Tensor Orthonormalize(Tensor block, Tensor? against)
    {
        var scale = Math.Max(linalg.matrix_norm(block).item<double>(), double.Epsilon);
        if (against is not null)
        {
            for (var pass = 0; pass < 2; pass++)
            {
                block = block - against.matmul(against.t().matmul(block));
            }
        }

        var (u, s, _) = linalg.svd(block, fullMatrices: false);
        var keep = (int)(s > 1e-10 * scale).sum().item<long>();
        return u.narrow(1, 0, keep);
    }
}
