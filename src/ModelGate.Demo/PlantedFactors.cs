using static TorchSharp.torch;

namespace ModelGate.Demo;

/// <summary>
/// The LoRA factors every generated adapter plants, whichever builder knows the base's spectrum: intruders along
/// given directions far from the base's singular vectors, then the rest of the rank growing the base's own top
/// directions (a real change that adds no new direction).
/// </summary>
internal static class PlantedFactors
{
    /// <summary>
    /// B (rows × rank) and A (rank × cols) with B·A the intended update. Intruder j has left/right directions
    /// <paramref name="farU"/>[:, j] and <paramref name="farV"/>[:, j] and singular value σ_max·(10 + 2j), so it ranks
    /// above every base direction; the remaining columns grow (U0, S0, V0)'s top directions by 10%.
    /// </summary>
    public static (Tensor B, Tensor A) Build(Tensor u0, Tensor s0, Tensor v0, Tensor? farU, Tensor? farV, int count, int rank)
    {
        var rows = u0.shape[0];
        var cols = v0.shape[0];
        var b = zeros([rows, rank], u0.dtype);
        var a = zeros([rank, cols], u0.dtype);
        if (count > 0)
        {
            var sMax = s0[0].to_type(ScalarType.Float64).item<double>();
            var sigma = tensor(Enumerable.Range(0, count).Select(j => sMax * (10.0 + 2.0 * j)).ToArray(), ScalarType.Float64).to_type(u0.dtype);
            b.narrow(1, 0, count).copy_(farU!.narrow(1, 0, count) * sigma.unsqueeze(0));
            a.narrow(0, 0, count).copy_(farV!.narrow(1, 0, count).t());
        }

        var rest = (int)Math.Min(rank - count, Math.Min(u0.shape[1], v0.shape[1]));
        if (rest > 0)
        {
            var growth = s0.narrow(0, 0, rest) * 0.1;
            b.narrow(1, count, rest).copy_(u0.narrow(1, 0, rest) * growth.unsqueeze(0));
            a.narrow(0, count, rest).copy_(v0.narrow(1, 0, rest).t());
        }

        return (b, a);
    }
}
