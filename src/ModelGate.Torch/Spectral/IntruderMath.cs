using ModelGate.Core.Adapters;
using ModelGate.Core.Spectral;
using ModelGate.Torch.Runtime;
using static TorchSharp.torch;

namespace ModelGate.Torch.Spectral;

/// <summary>Turns tuned singular vectors' coordinates on the base's left singular vectors into the paper's verdict.</summary>
internal static class IntruderMath
{
    /// <param name="name">The weight's tensor name; it gives the layer.</param>
    /// <param name="shape">The weight's shape, out × in.</param>
    /// <param name="coordinates">p × k: column j holds u_tⱼ's cosines with every base left singular vector.</param>
    /// <param name="tunedSingularValues">The tuned matrix's singular values, largest first, at least k of them.</param>
    /// <param name="baseSingularValues">The base matrix's singular values, largest first.</param>
    /// <param name="epsilon">A tuned vector whose largest cosine is below this is an intruder.</param>
    /// <param name="method">The <see cref="AnalysisMethod"/> that computed the vectors.</param>
    /// <param name="residual">The solver's relative residual; 0 for an exact SVD.</param>
    public static ModuleIntruders FromCoordinates(string name, long[] shape, Tensor coordinates, Tensor tunedSingularValues,
        Tensor baseSingularValues, double epsilon, string method, double residual)
    {
        var cosines = TorchTensors.ToArray(coordinates.abs().amax([0]).to_type(ScalarType.Float64)).Select(c => (double)c).ToArray();
        var top = cosines.Length;
        var ranks = Enumerable.Range(0, top).Where(i => cosines[i] < epsilon).ToArray();
        return new ModuleIntruders
        {
            Name = name,
            Layer = LayerIndex.OfTensor(name),
            Shape = shape,
            Intruders = ranks.Length,
            IntruderRanks = ranks,
            MaxCosines = cosines,
            SingularValues = Values(tunedSingularValues.narrow(0, 0, top)),
            BaseSingularValues = Values(baseSingularValues.narrow(0, 0, Math.Min(top, baseSingularValues.shape[0]))),
            SweepCounts = EpsilonSweep.Count(cosines),
            Method = method,
            RelativeResidual = residual,
        };
    }

    private static double[] Values(Tensor t) => TorchTensors.ToArray(t).Select(v => (double)v).ToArray();
}
