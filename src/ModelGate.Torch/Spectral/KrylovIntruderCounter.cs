using ModelGate.Core.Spectral;
using static TorchSharp.torch;

namespace ModelGate.Torch.Spectral;

/// <summary>
/// The paper's count when the update is not low-rank (DoRA, replaced tensors, full fine-tunes): the top-k singular
/// triplets of the dense Wt by block Krylov iteration to a stated tolerance, the base side from the cache. Costs a few
/// dozen products with Wt instead of its full SVD.
/// </summary>
internal static class KrylovIntruderCounter
{
    public static ModuleIntruders Count(string name, Tensor u0, Tensor s0, Tensor v0, Tensor tuned, int k, double epsilon, double tolerance)
    {
        using var scope = NewDisposeScope();
        var w = tuned.to_type(ScalarType.Float64);
        var m = w.shape[0];
        var n = w.shape[1];
        var top = (int)Math.Min(k, s0.shape[0]);

        // Start from the base's top right vectors plus as many random directions: a fine-tune moves them, it seldom replaces them all.
        var generator = new TorchSharp.torch.Generator(20251126, w.device);
        var extra = (int)Math.Min(top + 8, Math.Max(0, Math.Min(m, n) - top));
        var start = cat([v0.narrow(1, 0, top).to_type(ScalarType.Float64), randn([n, extra], ScalarType.Float64, w.device, generator: generator)], 1);
        // Davidson correction with the base's spectrum standing in for Wt·Wtᵀ (close to it when the update is modest):
        // (σ² − U0·Σ0²·U0ᵀ)⁻¹ = U0·(σ² − Σ0²)⁻¹·U0ᵀ on col(U0), 1/σ² outside it.
        var basis = u0.to_type(ScalarType.Float64);
        var lambda = s0.to_type(ScalarType.Float64).square();
        Tensor Correction(Tensor residual, Tensor squares)
        {
            var coordinates = basis.t().matmul(residual);
            var outside = residual - basis.matmul(coordinates);
            return basis.matmul(coordinates * BlockKrylov.InverseShift(squares, lambda)) + (outside / squares.clamp_min(double.Epsilon).unsqueeze(0));
        }

        var triplets = BlockKrylov.Solve(x => w.matmul(x), y => w.t().matmul(y), m, n, k, start, tolerance, maxBasis: Math.Max(320, 12 * (int)start.shape[1]), Correction);

        var coordinates = u0.t().matmul(triplets.U.to_type(u0.dtype));
        return IntruderMath.FromCoordinates(name, [m, n], coordinates, triplets.S, s0, epsilon, AnalysisMethod.Krylov, triplets.RelativeResidual);
    }
}
