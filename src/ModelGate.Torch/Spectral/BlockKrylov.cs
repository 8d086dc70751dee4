using TorchSharp;
using static TorchSharp.torch;

namespace ModelGate.Torch.Spectral;

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
    /// <param name="rows">Rows of M.</param>
    /// <param name="cols">Columns of M.</param>
    /// <param name="k">How many of the largest triplets are wanted (at most min(rows, cols)).</param>
    /// <param name="start">cols × b starting block (float64); its span should contain good guesses of the top right vectors.</param>
    /// <param name="tolerance">Converged when every wanted residual is below tolerance·σ₁.</param>
    /// <param name="maxBasis">Most basis vectors to grow to; the result then says whether it converged.</param>
    /// <param name="correction">
    /// Optional preconditioner (Davidson): given the residuals R = M·Mᵀ·Y − Y·diag(σ²) of the unconverged Ritz vectors
    /// (rows × c) and their σ² (c), an approximation of (σ²·I − M·Mᵀ)⁻¹·R — e.g. with the base's own spectrum in
    /// place of M·Mᵀ. Each step adds it to the basis: vectors in tight clusters of the spectrum, where polynomial
    /// Krylov steps crawl, then converge in a few steps, as in shift-and-invert.
    /// </param>
    public static SingularTriplets Solve(Func<Tensor, Tensor> apply, Func<Tensor, Tensor> applyTransposed, long rows, long cols,
        int k, Tensor start, double tolerance, int maxBasis, Func<Tensor, Tensor, Tensor>? correction = null)
    {
        // The basis lives in the row space; only when it spans all of it is Rayleigh–Ritz exact by construction
        // (preconditioned steps may add directions outside M's range, so min(rows, cols) vectors are not enough).
        k = (int)Math.Min(k, Math.Min(rows, cols));
        maxBasis = (int)Math.Min(maxBasis, rows);
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

            var exact = basis.shape[1] >= rows;
            var sigmaMax = Math.Max(sigma[0].item<double>(), double.Epsilon);
            var r = apply(v) - u * s.unsqueeze(0);
            var residuals = linalg.vector_norm(r, 2, [0]) / sigmaMax;
            var residual = residuals.max().item<double>();
            var result = new SingularTriplets(u, s, v, residual, (int)basis.shape[1], exact || residual <= tolerance);
            if (result.Converged || basis.shape[1] >= maxBasis)
            {
                return result;
            }

            // Next block: (M·Mᵀ) applied to the newest block, made orthogonal to everything before.
            var grow = apply(applyTransposed(newest));
            if (correction is not null)
            {
                var open = (residuals > tolerance).nonzero().flatten();
                if (open.shape[0] > 0)
                {
                    var y = u.index_select(1, open);
                    var squares = s.index_select(0, open).square();
                    grow = cat([grow, correction(apply(applyTransposed(y)) - (y * squares.unsqueeze(0)), squares)], 1);
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
    /// (σ² − d)⁻¹ element-wise for a column of shifts σ² against a diagonal d, kept away from zero: where σ² meets an
    /// entry of d the direction is that entry's own, already in the basis, and a huge but finite value is harmless.
    /// </summary>
    internal static Tensor InverseShift(Tensor squares, Tensor diagonal)
    {
        var shifts = squares.unsqueeze(0) - diagonal.unsqueeze(1);
        var floor = 1e-12 * Math.Max(squares.max().item<double>(), diagonal.max().item<double>());
        return 1.0 / torch.where(shifts.abs() < floor, torch.full_like(shifts, floor), shifts);
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
