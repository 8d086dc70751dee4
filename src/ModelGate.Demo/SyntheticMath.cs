using static TorchSharp.torch;

namespace ModelGate.Demo;

/// <summary>Linear algebra the generators share, in float64 so planted structure survives rounding to the stored dtype.</summary>
internal static class SyntheticMath
{
    /// <summary>A random n × n orthogonal matrix (QR of a Gaussian matrix).</summary>
    public static Tensor RandomOrthogonal(DeterministicRandom rng, long n)
    {
        var g = tensor(rng.Gaussian(n * n), [n, n], ScalarType.Float64);
        var (q, r) = linalg.qr(g);
        // Fix the signs so the result does not depend on the QR implementation's sign convention.
        return q * r.diagonal().sign().unsqueeze(0);
    }

    /// <summary>W = U·diag(σ)·Vᵀ with σᵢ = scale·ratioⁱ: a well separated spectrum, so top singular vectors are stable.</summary>
    public static Tensor StructuredMatrix(DeterministicRandom rng, long rows, long cols, double scale, double ratio = 0.8)
    {
        var p = Math.Min(rows, cols);
        var u = RandomOrthogonal(rng, rows).narrow(1, 0, p);
        var v = RandomOrthogonal(rng, cols).narrow(1, 0, p);
        var sigma = tensor(Enumerable.Range(0, (int)p).Select(i => scale * Math.Pow(ratio, i)).ToArray(), ScalarType.Float64);
        return (u * sigma.unsqueeze(0)).matmul(v.t());
    }

    /// <summary>
    /// <paramref name="count"/> orthonormal directions (columns) spread evenly over the basis <paramref name="basis"/>:
    /// each has |cosine| ≈ 1/√n with every basis vector, i.e. as far from all of them as a vector can be.
    /// </summary>
    public static Tensor SpreadDirections(DeterministicRandom rng, Tensor basis, int count)
    {
        var n = basis.shape[0];
        var signs = Enumerable.Range(0, (int)(n * count)).Select(_ => rng.NextDouble() < 0.5 ? -1.0 : 1.0).ToArray();
        var coefficients = tensor(signs, [n, count], ScalarType.Float64) / Math.Sqrt(n);
        var (q, r) = linalg.qr(basis.narrow(1, 0, n).matmul(coefficients));
        return q * r.diagonal().sign().unsqueeze(0);
    }
}
