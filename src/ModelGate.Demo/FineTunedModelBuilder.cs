using ModelGate.Core.Adapters;
using ModelGate.Core.Tensors;
using ModelGate.Torch.Runtime;
using static TorchSharp.torch;

namespace ModelGate.Demo;

/// <summary>
/// Writes a "fully fine-tuned" copy of a base model: every linear weight keeps its singular vectors, its singular
/// values move by up to ±5%, and dense noise far below the spectral gaps is added — what the paper observes for
/// full fine-tuning (no intruder dimensions). Same files, dtypes and sharding as the base.
/// </summary>
public sealed record FineTunedModelBuilder
{
    public double SpectrumChange { get; init; } = 0.05;
    public double NoiseLevel { get; init; } = 1e-4;
    public ulong Seed { get; init; } = 11;

    public string Build(string baseFolder, string outputFolder)
    {
        Directory.CreateDirectory(outputFolder);
        foreach (var file in ModelFiles.Companions(baseFolder))
        {
            File.Copy(file, Path.Combine(outputFolder, Path.GetFileName(file)), overwrite: true);
        }

        using var weights = ModelWeights.Open(baseFolder);
        var layout = weights.ShardFiles
            .Select(shard => (shard, (IReadOnlyList<TensorSpec>)weights.TensorsInShard(shard)
                .Select(t => new TensorSpec(t.Name, t.DType, t.Shape))
                .ToArray()))
            .ToArray();

        using var writer = new ShardedModelWriter(outputFolder, layout, new Dictionary<string, string> { ["format"] = "pt" });
        foreach (var (_, specs) in layout)
        {
            foreach (var spec in specs)
            {
                var info = weights.Get(spec.Name);
                if (!LinearWeights.IsLinear(info))
                {
                    writer.WriteTensorFloat32(spec.Name, weights.ReadFloat32(info));
                    continue;
                }

                using var scope = NewDisposeScope();
                var rng = DeterministicRandom.For(Seed, spec.Name);
                var w0 = tensor(weights.ReadFloat32(info), info.Shape, ScalarType.Float32).to_type(ScalarType.Float64);
                var (u, s, vh) = linalg.svd(w0, fullMatrices: false);
                var factors = tensor(Enumerable.Range(0, (int)s.shape[0]).Select(_ => 1 + SpectrumChange * (2 * rng.NextDouble() - 1)).ToArray(), ScalarType.Float64);
                var noise = tensor(rng.Gaussian(info.ElementCount), info.Shape, ScalarType.Float64) * (NoiseLevel * s[0].item<double>());
                var tuned = (u * (s * factors).unsqueeze(0)).matmul(vh) + noise;
                writer.WriteTensorFloat32(spec.Name, TorchTensors.ToArray(tuned));
            }
        }

        writer.Commit();
        return outputFolder;
    }
}
