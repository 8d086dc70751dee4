using System.Diagnostics;
using Microsoft.Extensions.Logging.Abstractions;
using ModelGate.Core.Adapters;
using ModelGate.Core.Spectral;
using ModelGate.Core.Spectral.Cache;
using ModelGate.Core.Tensors;
using ModelGate.Torch.Runtime;
using ModelGate.Torch.Spectral.Cache;
using static TorchSharp.torch;

namespace ModelGate.Torch.Spectral;

/// <summary>
/// Side by side in one run, on the same matrices: the paper's full-SVD path vs the low-rank path with a warm cache,
/// plus the one-time cost of building the cache entry. The base is a Gaussian matrix (a slowly decaying spectrum,
/// the hard case for iterative methods); the update plants a few directions above it, as a trained adapter does.
/// </summary>
public static class PathBenchmark
{
    public static IReadOnlyList<PathBenchmarkRow> Run(IReadOnlyList<(long Rows, long Cols)> shapes, IReadOnlyList<int> ranks,
        string workFolder, Device device, IProgress<string>? progress, CancellationToken cancellationToken)
    {
        var rows = new List<PathBenchmarkRow>();
        var settings = new AnalysisSettings();
        foreach (var (m, n) in shapes)
        {
            cancellationToken.ThrowIfCancellationRequested();
            var folder = Path.Combine(workFolder, $"w0-{m}x{n}");
            WriteBase(folder, m, n);
            using var weights = ModelWeights.Open(folder);
            var info = weights.Get("w0.weight");
            var cache = new SpectrumCache(Path.Combine(workFolder, "cache"), SpectrumPrecision.F32, NullLogger<SpectrumCache>.Instance);

            progress?.Report($"{m}×{n}: building the cache entry (one full SVD of W0)");
            var build = Stopwatch.StartNew();
            cache.GetOrCompute(weights, info, MatrixLayout.AsStored, device, out _);
            build.Stop();

            foreach (var r in ranks)
            {
                cancellationToken.ThrowIfCancellationRequested();
                using var scope = NewDisposeScope();
                var generator = new TorchSharp.torch.Generator((ulong)(m * 31 + n * 7 + r), device);
                var w0 = TorchTensors.LoadFloat32(weights, info, device);
                // σ₁ of a Gaussian m × n matrix scaled by 1/√n is about 1 + √(m/n) (Marchenko–Pastur edge).
                var sigma = 1 + Math.Sqrt((double)m / n);
                var b = randn([m, r], generator: generator, device: device) * (1.5 * sigma / Math.Sqrt(m));
                var a = randn([r, n], generator: generator, device: device) / Math.Sqrt(n);

                progress?.Report($"{m}×{n}, r = {r}: full-SVD path");
                var full = Stopwatch.StartNew();
                var reference = IntruderCounter.Count("w0.weight", w0, w0 + b.matmul(a), settings.K, settings.Epsilon);
                full.Stop();

                progress?.Report($"{m}×{n}, r = {r}: low-rank path, warm cache");
                var fast = Stopwatch.StartNew();
                if (!cache.TryGet(SpectrumKey.Compute(weights, info, MatrixLayout.AsStored), out var spectrum))
                {
                    throw new InvalidOperationException("the cache entry written a moment ago is gone");
                }

                var (u0, s0, v0) = spectrum.ToTensors(device);
                var result = LowRankIntruderCounter.Count("w0.weight", u0, s0, v0, b, a, settings.K, settings.Epsilon, settings.Tolerance);
                fast.Stop();

                var worst = reference.MaxCosines.Zip(result.MaxCosines).Max(p => Math.Abs(p.First - p.Second));
                rows.Add(new PathBenchmarkRow(m, n, r, full.Elapsed, fast.Elapsed, build.Elapsed, reference.Intruders, result.Intruders, worst, result.RelativeResidual));
            }

            Directory.Delete(folder, recursive: true);
        }

        return rows;
    }

    private static void WriteBase(string folder, long m, long n)
    {
        Directory.CreateDirectory(folder);
        using var scope = NewDisposeScope();
        var generator = new TorchSharp.torch.Generator((ulong)(m * 1000 + n), CPU);
        var w0 = randn([m, n], generator: generator) / Math.Sqrt(n);
        IReadOnlyList<TensorSpec> specs = [new TensorSpec("w0.weight", TensorDType.F32, [m, n])];
        using var writer = new ShardedModelWriter(folder, [("model.safetensors", specs)]);
        writer.WriteTensorFloat32("w0.weight", TorchTensors.ToArray(w0));
        writer.Commit();
    }
}
