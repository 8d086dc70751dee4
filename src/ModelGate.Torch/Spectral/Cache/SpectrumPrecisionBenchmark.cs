using System.Diagnostics;
using Microsoft.Extensions.Logging.Abstractions;
using ModelGate.Core.Adapters;
using ModelGate.Core.Spectral;
using ModelGate.Core.Spectral.Cache;
using ModelGate.Core.Tensors;
using ModelGate.Torch.Runtime;
using static TorchSharp.torch;

namespace ModelGate.Torch.Spectral.Cache;

/// <summary>
/// What storing a base spectrum in less than float32 costs the analysis, measured on one matrix and one low-rank update
/// in one run: the paper's float32 full SVD of W0 and W0 + B·A (the reference), then, for each precision, the base
/// spectrum written to a cache in that precision, read back and verified as a warm analysis reads it, and the update
/// counted from it by the low-rank path. One SVD of W0 serves every precision, so the rows differ only by storage.
/// W0 is stored as bf16, as the published models are, and every side reads the same stored matrix.
/// </summary>
public static class SpectrumPrecisionBenchmark
{
    /// <summary>
    /// As the overload below, with the matrices made by <paramref name="planted"/> inside this row's own dispose scope,
    /// so a caller holds no native tensor across rows (an 8B-shaped row is ~0.5 GB of them).
    /// </summary>
    public static SpectrumPrecisionRow Run(string name, Func<(Tensor W0, Tensor B, Tensor A)> planted, IReadOnlyList<SpectrumPrecision> precisions,
        string workFolder, string device, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(planted);
        var torchDevice = TorchDeviceSelector.Select(device);
        using var scope = NewDisposeScope();
        var (w0, b, a) = planted();
        return Run(name, w0, b, a, precisions, workFolder, torchDevice, cancellationToken);
    }

    /// <param name="name">The tensor name W0 is stored under and the row is named by.</param>
    /// <param name="w0">The base matrix, out × in.</param>
    /// <param name="b">The update's left factor (rows × r), LoRA scale folded in.</param>
    /// <param name="a">The update's right factor (r × cols).</param>
    /// <param name="precisions">The precisions to store the base spectrum in, one row entry each, in this order.</param>
    /// <param name="workFolder">Where a folder for the stored matrix and the caches is made, and deleted afterwards.</param>
    /// <param name="device">Where every decomposition and product runs.</param>
    /// <param name="cancellationToken">Checked between the steps; a step itself runs to its end.</param>
    public static SpectrumPrecisionRow Run(string name, Tensor w0, Tensor b, Tensor a, IReadOnlyList<SpectrumPrecision> precisions,
        string workFolder, Device device, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(w0);
        ArgumentNullException.ThrowIfNull(b);
        ArgumentNullException.ThrowIfNull(a);
        ArgumentNullException.ThrowIfNull(precisions);
        var clock = Stopwatch.StartNew();
        var (rows, cols) = (w0.shape[0], w0.shape[1]);
        var work = Path.Combine(workFolder, "precision-" + Guid.NewGuid().ToString("N"));
        var folder = Path.Combine(work, "base");
        WriteBase(folder, name, w0);
        try
        {
            using var weights = ModelWeights.Open(folder);
            var tensor = weights.Get(name);
            var key = SpectrumKey.Compute(weights, tensor, MatrixLayout.AsStored);
            using var scope = NewDisposeScope();
            var stored = TorchTensors.LoadFloat32(weights, tensor, device);
            var (bd, ad) = (b.to(device), a.to(device));
            var reference = IntruderCounter.Count(name, stored, stored + bd.matmul(ad), AnalysisDefaults.K, AnalysisDefaults.Epsilon);
            cancellationToken.ThrowIfCancellationRequested();

            var spectrum = new SpectrumCache(Path.Combine(work, "computed"), SpectrumPrecision.F32, NullLogger<SpectrumCache>.Instance)
                .GetOrCompute(key, weights, tensor, MatrixLayout.AsStored, device, out _);
            var results = new List<StoredSpectrumResult>(precisions.Count);
            foreach (var precision in precisions)
            {
                cancellationToken.ThrowIfCancellationRequested();
                var cache = new SpectrumCache(Path.Combine(work, precision.ToString()), precision, NullLogger<SpectrumCache>.Instance);
                cache.Put(key, spectrum, $"{folder}:{name}");
                if (!cache.TryGet(key, out var read))
                {
                    throw new InvalidOperationException($"the {precision} entry written a moment ago cannot be read back");
                }

                var (u0, s0, v0) = read.ToTensors(device);
                var warm = LowRankIntruderCounter.Count(name, u0, s0, v0, bd, ad, AnalysisDefaults.K, AnalysisDefaults.Epsilon, AnalysisDefaults.Tolerance);
                var difference = reference.MaxCosines.Zip(warm.MaxCosines).Max(p => Math.Abs(p.First - p.Second));
                results.Add(new StoredSpectrumResult(precision, new FileInfo(cache.PathOf(key)).Length, warm.Intruders, difference));
            }

            return new SpectrumPrecisionRow(name, rows, cols, reference.Intruders, results, clock.Elapsed);
        }
        finally
        {
            Directory.Delete(work, recursive: true);
        }
    }

    private static void WriteBase(string folder, string name, Tensor w0)
    {
        Directory.CreateDirectory(folder);
        IReadOnlyList<TensorSpec> specs = [new TensorSpec(name, TensorDType.BF16, [w0.shape[0], w0.shape[1]])];
        using var writer = new ShardedModelWriter(folder, [("model.safetensors", specs)]);
        writer.BeginTensor(name);
        using var scope = NewDisposeScope();
        writer.WriteTensorChunk(w0.to(CPU).to_type(ScalarType.BFloat16).contiguous().bytes);
        writer.Commit();
    }
}
