using ModelGate.Core.Torch;
using static TorchSharp.torch;

namespace ModelGate.Core.Spectral;

/// <summary>
/// Reference path: the paper's Algorithm 1 exactly as its authors' <c>find_intruder_dimensions.py</c> runs it
/// (reeceshuttle/intruder-dimensions): thin SVD in float32 of the base and of the tuned matrix, |U_tunedᵀ U_base|,
/// max over every base vector, for the first k tuned vectors; below ε is an intruder. The SVD is of W0 + ΔW,
/// not of ΔW (the authors' issue #3).
/// </summary>
public static class IntruderCounter
{
    /// <param name="baseMatrix">W0, out × in.</param>
    /// <param name="tunedMatrix">Wt, same shape.</param>
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
        var topVectors = ut.narrow(1, 0, top);
        var maxCos = topVectors.t().matmul(u0).abs().amax([1]);

        var cosines = TorchTensors.ToArray(maxCos).Select(c => (double)c).ToArray();
        var ranks = Enumerable.Range(0, top).Where(i => cosines[i] < epsilon).ToArray();
        return new ModuleIntruders
        {
            Name = name,
            Layer = Adapters.LayerIndex.OfTensor(name),
            Shape = baseMatrix.shape,
            Intruders = ranks.Length,
            IntruderRanks = ranks,
            MaxCosines = cosines,
            SingularValues = TorchTensors.ToArray(st.narrow(0, 0, top)).Select(v => (double)v).ToArray(),
            BaseSingularValues = TorchTensors.ToArray(s0.narrow(0, 0, Math.Min(top, s0.shape[0]))).Select(v => (double)v).ToArray(),
            SweepCounts = EpsilonSweep.Count(cosines),
        };
    }

    private static string Describe(Tensor t) => "[" + string.Join(", ", t.shape) + "]";
}
