using System.Diagnostics;
using System.Text.Json.Nodes;
using Microsoft.Extensions.Logging;
using ModelGate.Core;
using ModelGate.Core.Adapters;
using ModelGate.Core.Errors;
using ModelGate.Core.IO;
using ModelGate.Core.Tensors;
using ModelGate.Torch.Runtime;
using static TorchSharp.torch;

namespace ModelGate.Torch.Merging;

/// <summary>
/// Writes base + adapters as a complete model folder: same files, same sharding, same dtypes (unless asked),
/// one tensor in memory at a time, into a temporary folder renamed at the end so that a failed or cancelled
/// merge leaves nothing behind and replaces nothing.
/// </summary>
public sealed class ModelMerger(ILogger<ModelMerger> logger)
{
    /// <summary>Bytes moved per read and write, and the float32 budget of one block of a changed matrix.</summary>
    private const int CopyBufferBytes = 16 << 20;

    public MergeResult Merge(string baseFolder, IReadOnlyList<string> adapterFolders, string outputFolder, MergeSettings settings,
        string device, IProgress<WorkProgress>? progress, CancellationToken cancellationToken)
    {
        new OutputGuard()
            .Reads(baseFolder, "the base model folder")
            .Reads(adapterFolders, "the adapter folder")
            .WritesFolder(outputFolder, InputField.Output.Words)
            .Check();
        var output = Path.GetFullPath(outputFolder);

        using var plan = MergePlan.Open(baseFolder, adapterFolders, settings, device, logger);
        StagedFolder.Write(output, settings.Force, staging =>
        {
            foreach (var file in WriteFiles(plan, staging, progress, cancellationToken))
            {
                logger.LogDebug("wrote {File}", file);
            }
        });
        return plan.Result(output);
    }

    /// <summary>
    /// Merges as <see cref="Merge"/> does, into <paramref name="workFolder"/>, handing each file to
    /// <paramref name="handOff"/> as soon as it is finished (companion files, then each shard, then the index), before
    /// the next one is written: a hand-off that uploads the file and deletes it keeps the folder at about one shard.
    /// The result names where the model went as <c>display</c> (a registry URI, redacted).
    /// </summary>
    public async Task<MergeResult> MergeAsync(string baseFolder, IReadOnlyList<string> adapterFolders, string workFolder, string display,
        Func<string, CancellationToken, Task> handOff, MergeSettings settings, string device, IProgress<WorkProgress>? progress, CancellationToken cancellationToken)
    {
        new OutputGuard()
            .Reads(baseFolder, "the base model folder")
            .Reads(adapterFolders, "the adapter folder")
            .Check();

        using var plan = MergePlan.Open(baseFolder, adapterFolders, settings, device, logger);
        foreach (var file in WriteFiles(plan, workFolder, progress, cancellationToken))
        {
            await handOff(file, cancellationToken);
        }

        return plan.Result(display);
    }

    /// <summary>
    /// Writes the merged model into <paramref name="folder"/> and yields each file once it is complete: companion files,
    /// then each shard (same files, each holding the same tensors in the same order as the base's), then the index.
    /// </summary>
    private static IEnumerable<string> WriteFiles(MergePlan plan, string folder, IProgress<WorkProgress>? progress, CancellationToken cancellationToken)
    {
        foreach (var file in CopyCompanionFiles(plan.BaseFolder, folder, plan.Settings.DType))
        {
            yield return file;
        }

        var dtype = plan.Settings.DType;
        TensorDType OutputType(TensorInfo t) => dtype is { } d && TensorDTypes.IsFloatingPoint(t.DType) ? d : t.DType;

        var baseWeights = plan.Weights;
        var layout = baseWeights.ShardFiles
            .Select(shard => (shard, (IReadOnlyList<TensorSpec>)baseWeights.TensorsInShard(shard)
                .Select(t => new TensorSpec(t.Name, OutputType(t), t.Shape))
                .ToArray()))
            .ToArray();
        var metadata = new Dictionary<string, string> { ["format"] = "pt" };

        var clock = Stopwatch.StartNew();
        var total = layout.Sum(s => s.Item2.Count);
        var done = 0;
        var buffer = new byte[CopyBufferBytes];
        using var buffers = new BlockBuffers();
        using var writer = new ShardedModelWriter(folder, layout, metadata);
        foreach (var (shard, specs) in layout)
        {
            foreach (var spec in specs)
            {
                cancellationToken.ThrowIfCancellationRequested();
                progress?.Report(new WorkProgress(done, total, spec.Name, clock.Elapsed));
                WriteTensor(plan, spec, writer, buffer, buffers);
                done++;
            }

            yield return writer.CommitShard(shard);
        }

        writer.Commit();
        if (layout.Length > 1)
        {
            yield return Path.Combine(writer.Folder, ShardFileNames.IndexFileName);
        }

        progress?.Report(new WorkProgress(total, total, "", clock.Elapsed));
    }

    private static void WriteTensor(MergePlan plan, TensorSpec spec, ShardedModelWriter writer, byte[] buffer, BlockBuffers buffers)
    {
        var baseWeights = plan.Weights;
        var device = plan.Device;
        var info = baseWeights.Get(spec.Name);
        if (plan.Updates.TryGetValue(spec.Name, out var update))
        {
            if (WeightMerger.MergesByRows(update) && info.Shape[1] <= CopyBufferBytes / 4 && TorchTypeOf(info.DType) is { } from && TorchTypeOf(spec.DType) is { } to)
            {
                MergeByRows(baseWeights, info, update, from, to, writer, device, buffers);
            }
            else
            {
                using var scope = NewDisposeScope();
                var merged = WeightMerger.ApplyChecked(TorchTensors.LoadFloat32(baseWeights, info, device), update, device);
                writer.WriteTensorFloat32(spec.Name, TorchTensors.ToArray(merged));
            }
        }
        else if (spec.DType == info.DType)
        {
            CopyBytes(baseWeights, info, writer, buffer);
        }
        else
        {
            writer.WriteTensorFloat32(spec.Name, baseWeights.ReadFloat32(info));
        }
    }

    /// <summary>The base opened, the adapters loaded and the per-tensor updates planned: what both kinds of output merge from.</summary>
    private sealed class MergePlan : IDisposable
    {
        private readonly AdapterStack adapters;

        private MergePlan(string baseFolder, MergeSettings settings, Device device, ModelWeights weights, AdapterStack adapters)
        {
            BaseFolder = baseFolder;
            Settings = settings;
            Device = device;
            Weights = weights;
            this.adapters = adapters;
            Updates = MergePlanner.Plan(weights, adapters.Adapters).ToDictionary(u => u.TensorName, StringComparer.Ordinal);
        }

        public string BaseFolder { get; }

        public MergeSettings Settings { get; }

        public Device Device { get; }

        public ModelWeights Weights { get; }

        public IReadOnlyDictionary<string, TensorUpdate> Updates { get; }

        public static MergePlan Open(string baseFolder, IReadOnlyList<string> adapterFolders, MergeSettings settings, string device, ILogger logger)
        {
            var torchDevice = TorchDeviceSelector.Select(device);
            var weights = ModelWeights.Open(baseFolder);
            try
            {
                var adapters = AdapterStack.Load(adapterFolders);
                foreach (var w in adapters.Warnings)
                {
                    logger.LogWarning("{Warning}", w);
                }

                return new MergePlan(baseFolder, settings, torchDevice, weights, adapters);
            }
            catch
            {
                weights.Dispose();
                throw;
            }
        }

        public MergeResult Result(string output) =>
            new(output, Weights.ShardFiles.Count, Weights.ShardFiles.Sum(s => Weights.TensorsInShard(s).Count), Updates.Count);

        public void Dispose()
        {
            adapters.Dispose();
            Weights.Dispose();
        }
    }

    /// <summary>
    /// A changed matrix, a block of rows at a time: read the stored rows, widen to float32, merge, round once to the
    /// output dtype (libtorch's round-to-nearest-even, as PEFT's cast), write. Memory: a few blocks, not the matrix.
    /// </summary>
    private static void MergeByRows(ModelWeights weights, TensorInfo info, TensorUpdate update, ScalarType from, ScalarType to,
        ShardedModelWriter writer, Device device, BlockBuffers buffers)
    {
        using var tensorScope = NewDisposeScope();
        var merge = WeightMerger.RowBlocks(update, device);
        var rows = info.Shape[0];
        var cols = info.Shape[1];
        var step = Math.Min(rows, Math.Max(1, CopyBufferBytes / 4 / Math.Max(1, cols)));
        var rowBytes = cols * TensorDTypes.SizeOf(info.DType);

        writer.BeginTensor(info.Name);
        for (long start = 0; start < rows; start += step)
        {
            using var scope = NewDisposeScope();
            var n = Math.Min(step, rows - start);
            var stored = buffers.Block(from, CPU, n, cols);
            var work = buffers.Block(ScalarType.Float32, device, n, cols);
            var output = buffers.Block(to, CPU, n, cols);
            weights.ReadBytes(info, start * rowBytes, stored.bytes);
            work.copy_(stored);
            merge(work, start);
            output.copy_(work);
            writer.WriteTensorChunk(output.bytes);
        }
    }

    /// <summary>
    /// One flat buffer per dtype and device for the whole merge, viewed as each block's [rows, cols] from its start:
    /// allocating fresh large tensors per block or per matrix costs a page fault per page every time (seconds of
    /// system time on a 1B model), and a view from offset 0 is a whole, contiguous tensor for <c>bytes</c>.
    /// </summary>
    private sealed class BlockBuffers : IDisposable
    {
        private readonly Dictionary<(ScalarType, string), Tensor> _buffers = [];

        public Tensor Block(ScalarType dtype, Device device, long rows, long cols)
        {
            if (!_buffers.TryGetValue((dtype, device.ToString()), out var buffer))
            {
                buffer = empty([CopyBufferBytes / 4], dtype, device).DetachFromDisposeScope();
                _buffers[(dtype, device.ToString())] = buffer;
            }

            return buffer.narrow(0, 0, rows * cols).view(rows, cols);
        }

        public void Dispose()
        {
            foreach (var b in _buffers.Values)
            {
                b.Dispose();
            }
        }
    }

    private static ScalarType? TorchTypeOf(TensorDType dtype) => dtype switch
    {
        TensorDType.F32 => ScalarType.Float32,
        TensorDType.BF16 => ScalarType.BFloat16,
        TensorDType.F16 => ScalarType.Float16,
        _ => null,
    };

    /// <summary>An unchanged tensor's bytes as stored, through a bounded buffer and the page cache, as cp copies.</summary>
    private static void CopyBytes(ModelWeights weights, TensorInfo info, ShardedModelWriter writer, byte[] buffer)
    {
        writer.BeginTensor(info.Name);
        for (long offset = 0; offset < info.ByteLength; offset += buffer.Length)
        {
            var n = (int)Math.Min(buffer.Length, info.ByteLength - offset);
            weights.ReadBytes(info, offset, buffer.AsSpan(0, n));
            writer.WriteTensorChunk(buffer.AsSpan(0, n));
        }
    }

    /// <summary>config.json, tokenizer files, generation config, model card: everything but the weights, yielded one by one as copied.</summary>
    private static IEnumerable<string> CopyCompanionFiles(string baseFolder, string staging, TensorDType? dtype)
    {
        foreach (var file in ModelFiles.Companions(baseFolder))
        {
            // File.Copy of a FIFO would block, and of a device would never end.
            BoundedFile.RequireRegular(file, "model file");
            var copy = Path.Combine(staging, Path.GetFileName(file));
            File.Copy(file, copy);
            if (dtype is { } d && Path.GetFileName(file) == "config.json")
            {
                SetConfigDType(baseFolder, copy, d);
            }

            yield return copy;
        }
    }

    private static void SetConfigDType(string baseFolder, string config, TensorDType dtype)
    {
        // transformers reads the dtype to load with from config.json ("dtype" since v5, "torch_dtype" before).
        var node = JsonNode.Parse(BoundedFile.ReadAllText(config, BoundedFile.ConfigLimit, "model config")) as JsonObject
            ?? throw new UserInputException($"{Path.Combine(baseFolder, "config.json")}: not a JSON object");
        var name = dtype switch { TensorDType.F16 => "float16", TensorDType.BF16 => "bfloat16", _ => "float32" };
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
