using ModelGate.Core.Spectral;
using static TorchSharp.torch;

namespace ModelGate.Torch.Spectral;

/// <summary>
/// The paper's count for Wt = W0 + B·A (B: m × R with the LoRA scales folded in, A: R × n) without an SVD of Wt.
/// With W0 = U0·Σ0·V0ᵀ known (the cache) and Q, P orthonormal bases of the parts of B and Aᵀ outside col(U0) and
/// col(V0), Wt = [U0 Q]·K·[V0 P]ᵀ exactly, where K = diag(Σ0, 0) + [U0ᵀB; QᵀB]·[A·V0, A·P]: a diagonal plus a rank-R
/// term. The top-k singular vectors of K (block Krylov, products O(p·R·b)) are the tuned vectors' coordinates in
/// [U0 Q], so their first p entries are exactly the cosines with the base's left singular vectors.
/// </summary>
internal static class LowRankIntruderCounter
{
    public static ModuleIntruders Count(string name, Tensor u0, Tensor s0, Tensor v0, Tensor b, Tensor a, int k, double epsilon, double tolerance)
    {
        using var scope = NewDisposeScope();
        var m = u0.shape[0];
        var n = v0.shape[0];
        var p = s0.shape[0];

        // The only products with the big matrices: O(m·p·R + n·p·R).
        var ub = u0.t().matmul(b).to_type(ScalarType.Float64);
        var av = a.matmul(v0).to_type(ScalarType.Float64);
        var left = ub;
        var right = av;
        if (m > p)
        {
            var q = Complement(b - u0.matmul(u0.t().matmul(b)), b);
            left = cat([ub, q.t().matmul(b).to_type(ScalarType.Float64)], 0);
        }

        if (n > p)
        {
            var at = a.t();
            var pBasis = Complement(at - v0.matmul(v0.t().matmul(at)), at);
            right = cat([av, a.matmul(pBasis).to_type(ScalarType.Float64)], 1);
        }

        var sigma = s0.to_type(ScalarType.Float64).unsqueeze(1);
        var rows = left.shape[0];
        var cols = right.shape[1];

        Tensor Apply(Tensor x) => Pad(sigma * x.narrow(0, 0, p), rows) + left.matmul(right.matmul(x));
        Tensor ApplyTransposed(Tensor y) => Pad(sigma * y.narrow(0, 0, p), cols) + right.t().matmul(left.t().matmul(y));

        // Start from the base's top right directions (twice k: near-degenerate ones just below the top k converge
        // slowly otherwise) and the update's own: the tuned top vectors live almost entirely there.
        var top = (int)Math.Min((2 * k) + 8, p);
        var start = cat([eye(cols, top, ScalarType.Float64), right.t()], 1);
        // K·Kᵀ = Λ + a rank-2R term with Λ = diag(Σ0², 0): its eigenvectors satisfy y ∝ (σ² − Λ)⁻¹·(K·Kᵀ − Λ)·y, so
        // the diagonal solve is an exact shift-and-invert up to the low-rank term.
        var lambda = Pad(sigma.square(), rows).squeeze(1);
        var triplets = BlockKrylov.Solve(Apply, ApplyTransposed, rows, cols, k, start, tolerance, maxBasis: Math.Max(200, 10 * (int)start.shape[1]),
            (residual, squares) => residual * BlockKrylov.InverseShift(squares, lambda));

        var coordinates = triplets.U.narrow(0, 0, p);
        return IntruderMath.FromCoordinates(name, [m, n], coordinates, triplets.S, s0, epsilon, AnalysisMethod.LowRank, triplets.RelativeResidual);
    }

    /// <summary>An orthonormal basis of <paramref name="outside"/>'s significant columns (float32 rounding leaves ~1e-7·‖B‖ of noise).</summary>
    private static Tensor Complement(Tensor outside, Tensor original)
    {
        var (u, s, _) = linalg.svd(outside, fullMatrices: false);
        var scale = Math.Max(linalg.matrix_norm(original).item<float>(), float.Epsilon);
        var keep = (int)(s > 1e-5f * scale).sum().item<long>();
        return u.narrow(1, 0, keep);
    }

    private static Tensor Pad(Tensor top, long rows) =>
        top.shape[0] == rows ? top : cat([top, zeros([rows - top.shape[0], top.shape[1]], ScalarType.Float64, top.device)], 0);
}
