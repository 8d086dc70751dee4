using ModelGate.Core.Spectral;
using static TorchSharp.torch;

namespace ModelGate.Torch.Spectral;

/// <summary>
/// Reference path: the paper's Algorithm 1 exactly as its authors' <c>find_intruder_dimensions.py</c> runs it
/// (reeceshuttle/intruder-dimensions): thin SVD in float32 of the base and of the tuned matrix, |U_tunedᵀ U_base|,
/// max over every base vector, for the first k tuned vectors; below ε is an intruder. The SVD is of W0 + ΔW,
/// not of ΔW (the authors' issue #3).
/// </summary>
public static class IntruderCounter
{
    /// <param name="name">The weight's tensor name, for the result and for errors.</param>
    /// <param name="baseMatrix">W0, out × in.</param>
    /// <param name="tunedMatrix">Wt, same shape.</param>
    /// <param name="k">How many of the tuned matrix's top singular vectors are checked.</param>
    /// <param name="epsilon">A tuned vector whose largest cosine with every base vector is below this is an intruder.</param>
    public static ModuleIntruders Count(string name, Tensor baseMatrix, Tensor tunedMatrix, int k, double epsilon)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(k, 1);
        if (!baseMatrix.shape.SequenceEqual(tunedMatrix.shape) || baseMatrix.dim() != 2)
        {
            throw new ArgumentException($"{name}: base {Describe(baseMatrix)} and tuned {Describe(tunedMatrix)} must be matrices of one shape");
        }

        using var scope = NewDisposeScope();
        var (u0, s0, _) = linalg.svd(baseMatrix.to_type(ScalarType.Float32), fullMatrices: false);
        var (ut, st, _) = linalg.svd(tunedMatrix.to_type(ScalarType.Float32), fullMatrices: false);

        var top = (int)Math.Min(k, ut.shape[1]);
        var coordinates = u0.t().matmul(ut.narrow(1, 0, top));
        return IntruderMath.FromCoordinates(name, baseMatrix.shape, coordinates, st, s0, epsilon, AnalysisMethod.FullSvd, 0);
    }

    private static string Describe(Tensor t) => "[" + string.Join(", ", t.shape) + "]";
}
