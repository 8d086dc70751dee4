using ModelGate.Core.Spectral;
using ModelGate.Demo;
using ModelGate.Torch.Runtime;
using ModelGate.Torch.Spectral;
using static TorchSharp.torch;

namespace ModelGate.Torch.Tests.Spectral;

/// <summary>The low-rank and Krylov paths give the reference path's counts, and cosines within 1e-4.</summary>
public sealed class FastPathAgreementTests
{
    public FastPathAgreementTests() => TorchRuntime.EnsureLoaded();

    public static TheoryData<int, int, int, double, string> Cases() => new()
    {
        // rows, cols, rank, update scale (× σ₁ of W0), W0 spectrum
        { 64, 64, 8, 3.0, "structured" },
        { 64, 64, 8, 0.05, "structured" },
        { 48, 96, 4, 2.0, "structured" },
        { 160, 64, 16, 2.0, "structured" },
        { 160, 64, 16, 0.3, "gaussian" },
        { 96, 200, 16, 1.0, "gaussian" },
        { 256, 256, 64, 0.5, "structured" },
        { 300, 120, 2, 5.0, "gaussian" },
    };

    private static (Tensor W0, Tensor B, Tensor A) Problem(int rows, int cols, int rank, double scale, string spectrum, ulong seed)
    {
        var rng = new DeterministicRandom(seed);
        var w0 = spectrum == "structured"
            ? SyntheticMath.StructuredMatrix(rng, rows, cols, 1.0).to_type(ScalarType.Float32)
            : (tensor(rng.Gaussian((long)rows * cols), [rows, cols], ScalarType.Float64) / Math.Sqrt(cols)).to_type(ScalarType.Float32);
        var sigma = linalg.svdvals(w0)[0].item<float>();
        var b = (tensor(rng.Gaussian((long)rows * rank), [rows, rank], ScalarType.Float64) * (scale * sigma / Math.Sqrt(rows))).to_type(ScalarType.Float32);
        var a = (tensor(rng.Gaussian((long)rank * cols), [rank, cols], ScalarType.Float64) / Math.Sqrt(cols)).to_type(ScalarType.Float32);
        return (w0, b, a);
    }

    private static void AssertAgree(ModuleIntruders reference, ModuleIntruders fast)
    {
        Assert.Equal(reference.Intruders, fast.Intruders);
        Assert.Equal(reference.MaxCosines.Count, fast.MaxCosines.Count);
        for (var i = 0; i < reference.MaxCosines.Count; i++)
        {
            Assert.True(Math.Abs(reference.MaxCosines[i] - fast.MaxCosines[i]) <= 1e-4,
                $"{fast.Method} cosine {i}: {fast.MaxCosines[i]} vs reference {reference.MaxCosines[i]} (residual {fast.RelativeResidual:E1})");
            Assert.True(Math.Abs(reference.SingularValues[i] - fast.SingularValues[i]) <= 1e-4 * reference.SingularValues[0], $"σ{i}");
        }

        Assert.True(fast.RelativeResidual <= 1e-6, $"residual {fast.RelativeResidual}");
    }

    [Theory]
    [MemberData(nameof(Cases))]
    public void LowRank_AgreesWithFullSvd(int rows, int cols, int rank, double scale, string spectrum)
    {
        using var scope = NewDisposeScope();
        var (w0, b, a) = Problem(rows, cols, rank, scale, spectrum, (ulong)(rows * 7919 + cols * 31 + rank));
        var wt = w0 + b.matmul(a);
        var (u0, s0, vh0) = linalg.svd(w0, fullMatrices: false);

        var reference = IntruderCounter.Count("w", w0, wt, 10, 0.5);
        var fast = LowRankIntruderCounter.Count("w", u0, s0, vh0.t(), b, a, 10, 0.5, 1e-8);

        AssertAgree(reference, fast);
    }

    [Theory]
    [MemberData(nameof(Cases))]
    public void Krylov_AgreesWithFullSvd(int rows, int cols, int rank, double scale, string spectrum)
    {
        using var scope = NewDisposeScope();
        var (w0, b, a) = Problem(rows, cols, rank, scale, spectrum, (ulong)(rows * 7919 + cols * 31 + rank + 1));
        var wt = w0 + b.matmul(a);
        var (u0, s0, vh0) = linalg.svd(w0, fullMatrices: false);

        var reference = IntruderCounter.Count("w", w0, wt, 10, 0.5);
        var fast = KrylovIntruderCounter.Count("w", u0, s0, vh0.t(), wt, 10, 0.5, 1e-8);

        AssertAgree(reference, fast);
    }
}
