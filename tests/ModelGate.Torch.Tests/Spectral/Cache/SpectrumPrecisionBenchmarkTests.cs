using ModelGate.Core.Spectral.Cache;
using ModelGate.Demo;
using ModelGate.Testing;
using ModelGate.Torch.Runtime;
using ModelGate.Torch.Spectral.Cache;
using static TorchSharp.torch;

namespace ModelGate.Torch.Tests.Spectral.Cache;

/// <summary>
/// The evidence for publishing spectra in F16, kept in CI: a real matrix shape of Qwen2.5-0.5B with its pretrained-like
/// spectrum and an r = 16 update with two planted intruders, counted from the F16 entry as the float32 full SVD counts
/// it. <c>bench --precision</c> runs the same comparison on every shape of the real models (docs/benchmarks.md).
/// </summary>
public sealed class SpectrumPrecisionBenchmarkTests : IDisposable
{
    private readonly TempDirectory _dir = new();

    public void Dispose() => _dir.Dispose();

    [Theory]
    [InlineData("model.layers.0.self_attn.q_proj", 896, 896)]
    [InlineData("model.layers.0.self_attn.k_proj", 128, 896)]
    public void Run_F16SpectrumOfARealShape_CountsAsTheFullSvdWithCosinesWithin1e3(string module, long rows, long cols)
    {
        var f16 = Assert.Single(Measure(module, rows, cols, SpectrumPrecision.F16, out var reference));

        Assert.Equal(2, reference);
        Assert.Equal(reference, f16.Intruders);
        Assert.InRange(f16.MaxCosineDifference, 0, SpectrumPrecisionRow.Tolerance);
    }

    private IReadOnlyList<StoredSpectrumResult> Measure(string module, long rows, long cols, SpectrumPrecision precision, out int reference)
    {
        using var scope = NewDisposeScope();
        var builder = new RealShapeModelBuilder { Shape = RealModelShape.Qwen25_05B, Layers = 1 };
        var (w0, b, a) = builder.PlantedMatrix(module, rows, cols, intruders: 2);
        var row = SpectrumPrecisionBenchmark.Run(module + ".weight", w0, b, a, [precision], _dir.Path, TorchDeviceSelector.Select("cpu"), CancellationToken.None);
        reference = row.ReferenceIntruders;
        return row.Stored;
    }
}
