using TorchSharp;
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
    /// <param name="diagonal">
    /// Optional Λ (rows, float64) with M·Mᵀ = Λ + a low-rank term, as for a diagonal-plus-low-rank M. Every eigenvector
    /// y of such a matrix with eigenvalue σ² satisfies y ∝ (σ² − Λ)⁻¹·(M·Mᵀ − Λ)·y, so each step also adds that
    /// shift-and-invert image of every unconverged Ritz vector (a diagonal solve): vectors in tight clusters of the
    /// base spectrum, where polynomial Krylov steps crawl, then converge in a few steps.
    /// </param>
    public static SingularTriplets Solve(Func<Tensor, Tensor> apply, Func<Tensor, Tensor> applyTransposed, long rows, long cols,
        int k, Tensor start, double tolerance, int maxBasis, Tensor? diagonal = null)
    {
        var full = Math.Min(rows, cols);
        k = (int)Math.Min(k, full);
        maxBasis = (int)Math.Min(maxBasis, full);
        var basis = Orthonormalize(apply(start), null);
        var newest = basis;
        while (true)
        {
            // Rayleigh–Ritz on the current basis Q through the small Gram matrix (QᵀM)(MᵀQ) = W·Λ·Wᵀ: the Ritz values
            // are √λ, the left Ritz vectors Q·W and the right ones Mᵀ·Q·W/σ. An eigendecomposition of an L × L matrix
            // costs far less than an SVD of the tall cols × L one, and float64 keeps the top of the spectrum accurate.
            var t = applyTransposed(basis);
            var (lambda, w) = linalg.eigh(t.t().matmul(t));
            var order = lambda.argsort(descending: true);
            var take = (int)Math.Min(k, lambda.shape[0]);
            var top = order.narrow(0, 0, take);
            var s = lambda.index_select(0, top).clamp_min(0).sqrt();
            var wTop = w.index_select(1, top);
            var u = basis.matmul(wTop);
            var v = t.matmul(wTop) / s.clamp_min(double.Epsilon).unsqueeze(0);
            var sigma = lambda.index_select(0, order).clamp_min(0).sqrt();

            var exact = basis.shape[1] >= full;
            var sigmaMax = Math.Max(sigma[0].item<double>(), double.Epsilon);
            var r = apply(v) - u * s.unsqueeze(0);
            var residuals = linalg.vector_norm(r, 2, [0]) / sigmaMax;
            var residual = exact ? 0 : residuals.max().item<double>();
            var result = new SingularTriplets(u, s, v, residual, (int)basis.shape[1], exact || residual <= tolerance);
            if (result.Converged || basis.shape[1] >= maxBasis)
            {
                return result;
            }

            // Next block: (M·Mᵀ) applied to the newest block, made orthogonal to everything before.
            var grow = apply(applyTransposed(newest));
            if (diagonal is not null)
            {
                var open = (residuals > tolerance).nonzero().flatten();
                if (open.shape[0] > 0)
                {
                    var y = u.index_select(1, open);
                    var shifts = s.index_select(0, open).square().unsqueeze(0) - diagonal.unsqueeze(1);
                    var floor = 1e-12 * sigmaMax * sigmaMax;
                    shifts = torch.where(shifts.abs() < floor, torch.full_like(shifts, floor), shifts);
                    grow = cat([grow, (apply(applyTransposed(y)) - (diagonal.unsqueeze(1) * y)) / shifts], 1);
                }
            }

            var next = Orthonormalize(grow, basis);
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
