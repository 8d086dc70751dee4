using static TorchSharp.torch;

namespace ModelGate.Demo;

/// <summary>
/// A weight matrix whose spectrum looks pretrained without paying for an SVD: W = U·diag(s)·Vᵀ + σ·G, a head of
/// orthonormal directions with power-law singular values sᵢ ∝ (i+1)^-0.7 standing above a Marchenko–Pastur bulk of
/// Gaussian noise at the entry scale of real checkpoints (σ = 0.02). The head is regenerated from the seed and the
/// tensor's name, so an adapter builder knows the base's top directions without reading or decomposing it.
/// </summary>
internal static class PretrainedLikeMatrix
{
    public const double NoiseStd = 0.02;
    private const double Decay = 0.7;
    private const long ChunkElements = 1 << 23;

    /// <summary>The head of the spectrum: orthonormal U (rows × k), V (cols × k) and the decaying s (k), float32.</summary>
    public static (Tensor U, Tensor S, Tensor V) Head(ulong seed, string name, long rows, long cols)
    {
        var k = (int)Math.Clamp(Math.Min(rows, cols) / 4, 1, 64);
        var generator = new TorchSharp.torch.Generator(Seed(seed, name + "/head"));
        var u = Orthonormal(randn([rows, k], generator: generator));
        var v = Orthonormal(randn([cols, k], generator: generator));

        // The top value stands 10× above the noise bulk's edge σ(√m + √n); the tail sinks into the bulk, as in real weights.
        var edge = NoiseStd * (Math.Sqrt(rows) + Math.Sqrt(cols));
        var s = tensor(Enumerable.Range(0, k).Select(i => (float)(10 * edge * Math.Pow(i + 1, -Decay))).ToArray());
        return (u, s, v);
    }

    /// <summary>
    /// Hands the matrix to <paramref name="write"/> in blocks of whole rows (a few MB each, float32), so a 128256-row
    /// embedding or a 14336 × 4096 MLP matrix is never whole in memory; every tensor made here is freed per block.
    /// </summary>
    public static void WriteRowBlocks(ulong seed, string name, long rows, long cols, bool noiseOnly, Action<Tensor> write)
    {
        using var scope = NewDisposeScope();
        var generator = new TorchSharp.torch.Generator(Seed(seed, name + "/noise"));
        var (u, s, v) = noiseOnly ? (null, null, null) : Head(seed, name, rows, cols);
        var step = Math.Max(1, ChunkElements / cols);
        for (long start = 0; start < rows; start += step)
        {
            using var blockScope = NewDisposeScope();
            var n = Math.Min(step, rows - start);
            var block = randn([n, cols], generator: generator) * NoiseStd;
            if (u is not null)
            {
                block.add_((u.narrow(0, start, n) * s!.unsqueeze(0)).matmul(v!.t()));
            }

            write(block);
        }
    }

    /// <summary>Orthonormal columns spanning a random subspace orthogonal to <paramref name="basis"/>'s columns.</summary>
    public static Tensor FarFrom(ulong seed, string name, Tensor basis, int count)
    {
        var generator = new TorchSharp.torch.Generator(Seed(seed, name + "/far"));
        var g = randn([basis.shape[0], count], generator: generator);
        g -= basis.matmul(basis.t().matmul(g));
        return Orthonormal(g);
    }

    private static Tensor Orthonormal(Tensor g)
    {
        var (q, r) = linalg.qr(g);
        // Fix the signs so the result does not depend on the QR implementation's sign convention.
        return q * r.diagonal().sign().unsqueeze(0);
    }

    private static ulong Seed(ulong seed, string part) => DeterministicRandom.For(seed, part).NextUInt64() >> 1;
}
