using System.Diagnostics;
using System.Text.Json.Nodes;
using Microsoft.Extensions.Logging;
using ModelGate.Core.Errors;
using ModelGate.Core.IO;
using ModelGate.Core.Tensors;
using ModelGate.Core.Torch;
using static TorchSharp.torch;

namespace ModelGate.Core.Adapters;

/// <summary>
/// Writes base + adapters as a complete model folder: same files, same sharding, same dtypes (unless asked),
/// one tensor in memory at a time, into a temporary folder renamed at the end so that a failed or cancelled
/// merge leaves nothing behind and replaces nothing.
/// </summary>
public sealed class ModelMerger(ILogger<ModelMerger> logger)
{
    public MergeResult Merge(string baseFolder, IReadOnlyList<string> adapterFolders, string outputFolder, MergeSettings settings,
        string device, IProgress<WorkProgress>? progress, CancellationToken cancellationToken)
    {
        new OutputGuard()
            .Reads(baseFolder, "the base model folder")
            .Reads(adapterFolders, "the adapter folder")
            .WritesFolder(outputFolder, "--output")
            .Check();
        var output = Path.GetFullPath(outputFolder);

        var torchDevice = TorchDeviceSelector.Select(device);
        using var baseWeights = ModelWeights.Open(baseFolder);
        using var adapters = AdapterStack.Load(adapterFolders);
        foreach (var w in adapters.Warnings)
        {
            logger.LogWarning("{Warning}", w);
        }

        var updates = MergePlanner.Plan(baseWeights, adapters.Adapters).ToDictionary(u => u.TensorName, StringComparer.Ordinal);
        var written = 0;
        StagedFolder.Write(output, settings.Force, staging =>
        {
            CopyCompanionFiles(baseFolder, staging, settings.DType);
            written = WriteWeights(baseWeights, updates, staging, settings.DType, torchDevice, progress, cancellationToken);
        });
        return new MergeResult(output, baseWeights.ShardFiles.Count, written, updates.Count);
    }

    private static int WriteWeights(ModelWeights baseWeights, IReadOnlyDictionary<string, TensorUpdate> updates, string staging,
        TensorDType? dtype, Device device, IProgress<WorkProgress>? progress, CancellationToken cancellationToken)
    {
        TensorDType OutputType(TensorInfo t) => dtype is { } d && TensorDTypes.IsFloatingPoint(t.DType) ? d : t.DType;

        // Same shard files, each holding the same tensors in the same order as the base's.
        var layout = baseWeights.ShardFiles
            .Select(shard => (shard, (IReadOnlyList<TensorSpec>)baseWeights.TensorsInShard(shard)
                .Select(t => new TensorSpec(t.Name, OutputType(t), t.Shape))
                .ToArray()))
            .ToArray();
        var metadata = new Dictionary<string, string> { ["format"] = "pt" };

        var clock = Stopwatch.StartNew();
        var total = layout.Sum(s => s.Item2.Count);
        var done = 0;
        using var writer = new ShardedModelWriter(staging, layout, metadata);
        foreach (var (_, specs) in layout)
        {
            foreach (var spec in specs)
            {
                cancellationToken.ThrowIfCancellationRequested();
                progress?.Report(new WorkProgress(done, total, spec.Name, clock.Elapsed));
                var info = baseWeights.Get(spec.Name);
                if (updates.TryGetValue(spec.Name, out var update))
                {
                    using var scope = NewDisposeScope();
                    var merged = WeightMerger.ApplyChecked(TorchTensors.LoadFloat32(baseWeights, info, device), update, device);
                    writer.WriteTensorFloat32(spec.Name, TorchTensors.ToArray(merged));
                }
                else if (spec.DType == info.DType)
                {
                    CopyBytes(baseWeights, info, writer);
                }
                else
                {
                    writer.WriteTensorFloat32(spec.Name, baseWeights.ReadFloat32(info));
                }

                done++;
            }
        }

        writer.Commit();
        progress?.Report(new WorkProgress(total, total, "", clock.Elapsed));
        return total;
    }

    private static void CopyBytes(ModelWeights weights, TensorInfo info, ShardedModelWriter writer)
    {
        if (info.ByteLength <= int.MaxValue)
        {
            writer.WriteTensor(info.Name, weights.GetBytes(info));
            return;
        }

        // Over 2 GiB a span cannot hold it: stream through a bounded buffer.
        var buffer = new byte[64 << 20];
        writer.BeginTensor(info.Name);
        for (long offset = 0; offset < info.ByteLength; offset += buffer.Length)
        {
            var n = (int)Math.Min(buffer.Length, info.ByteLength - offset);
            weights.CopyBytes(info, offset, buffer.AsSpan(0, n));
            writer.WriteTensorChunk(buffer.AsSpan(0, n));
        }

    }

    /// <summary>config.json, tokenizer files, generation config, model card: everything but the weights.</summary>
    private static void CopyCompanionFiles(string baseFolder, string staging, TensorDType? dtype)
    {
        foreach (var file in ModelFiles.Companions(baseFolder))
        {
            // File.Copy of a FIFO would block, and of a device would never end.
            BoundedFile.RequireRegular(file, "model file");
            File.Copy(file, Path.Combine(staging, Path.GetFileName(file)));
        }

        var config = Path.Combine(staging, "config.json");
        if (dtype is { } d && File.Exists(config))
        {
            // transformers reads the dtype to load with from config.json ("dtype" since v5, "torch_dtype" before).
            var node = JsonNode.Parse(BoundedFile.ReadAllText(config, BoundedFile.ConfigLimit, "model config")) as JsonObject
                ?? throw new UserInputException($"{Path.Combine(baseFolder, "config.json")}: not a JSON object");
            var name = d switch { TensorDType.F16 => "float16", TensorDType.BF16 => "bfloat16", _ => "float32" };
            foreach (var key in new[] { "dtype", "torch_dtype" })
            {
                if (node.ContainsKey(key))
                {
                    node[key] = name;
                }
            }

            File.WriteAllText(config, node.ToJsonString(new System.Text.Json.JsonSerializerOptions { WriteIndented = true }));
        }
    }
}
