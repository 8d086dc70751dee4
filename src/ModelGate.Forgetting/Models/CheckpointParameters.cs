using ModelGate.Core.Adapters;
using ModelGate.Core.Errors;
using ModelGate.Core.Tensors;
using ModelGate.Torch.Merging;
using ModelGate.Torch.Runtime;
using static TorchSharp.torch;

namespace ModelGate.Forgetting.Models;

/// <summary>
/// Fills a module's parameters from a checkpoint, one tensor at a time: read as float32, merge the adapters' edits
/// to that tensor with the merge's own arithmetic (<see cref="WeightMerger"/>, float32, in adapter order), round
/// once to the model dtype, copy onto the device. Nothing is written to disk and no second copy of the model exists.
/// </summary>
internal static class CheckpointParameters
{
    private const long BlockElements = 1 << 22;

    public static void Load(LanguageModelModule module, ModelWeights weights, IReadOnlyList<TensorUpdate> updates, Device device)
    {
        var pending = updates.ToDictionary(u => u.TensorName, StringComparer.Ordinal);
        using (no_grad())
        {
            foreach (var (name, parameter) in module.named_parameters())
            {
                using var scope = NewDisposeScope();
                var info = Resolve(module, weights, name);
                if (!info.Shape.SequenceEqual(parameter.shape))
                {
                    throw new UserInputException(
                        $"{info.FilePath}: tensor '{info.Name}' is {LoraAdapter.Shape(info)} but {module.Config.Path} makes it [{string.Join(", ", parameter.shape)}]");
                }

                if (pending.Remove(info.Name, out var update) && WeightMerger.MergesByRows(update) && StoredType(info.DType) is { } from
                    && parameter.is_contiguous() && info.Shape[1] <= BlockElements)
                {
                    MergeInBlocks(weights, info, update, parameter, from);
                }
                else if (update is not null)
                {
                    var merged = WeightMerger.ApplyChecked(TorchTensors.LoadFloat32(weights, info, device), update, device);
                    parameter.copy_(merged.to_type(parameter.dtype));
                }
                else
                {
                    CopyInBlocks(weights, info, parameter);
                }
            }
        }

        if (pending.Count > 0)
        {
            var (tensor, update) = pending.OrderBy(p => p.Key, StringComparer.Ordinal).First();
            throw new UserInputException(
                $"{update.Edits[0].Adapter.Folder}: the adapter changes '{tensor}', which the {module.Config.ModelType} model does not use" +
                (pending.Count > 1 ? $" (and {pending.Count - 1} more)" : "") +
                "; its effect could not be measured (is the head tied to the embeddings?)");
        }
    }

    /// <summary>
    /// An unchanged tensor straight into its parameter a block at a time (libtorch converts the dtype on copy, rounding
    /// as the whole-tensor path does), so loading a 128k-token embedding needs no float32 copy of it beside the model.
    /// </summary>
    private static void CopyInBlocks(ModelWeights weights, TensorInfo info, Tensor parameter)
    {
        if (StoredType(info.DType) is not { } from || !parameter.is_contiguous())
        {
            parameter.copy_(TorchTensors.LoadFloat32(weights, info, parameter.device).to_type(parameter.dtype));
            return;
        }

        var flat = parameter.view(-1);
        var size = TensorDTypes.SizeOf(info.DType);
        for (long start = 0; start < info.ElementCount; start += BlockElements)
        {
            using var scope = NewDisposeScope();
            var n = Math.Min(BlockElements, info.ElementCount - start);
            var block = empty([n], from);
            weights.ReadBytes(info, start * size, block.bytes);
            flat.narrow(0, start, n).copy_(block);
        }
    }

    /// <summary>
    /// A LoRA-changed matrix merged into its parameter a block of rows at a time, with the streamed merge's own
    /// arithmetic (<see cref="WeightMerger.RowBlocks"/>): no float32 copy of the matrix and no managed array, so the
    /// merged model loads in the memory of the model.
    /// </summary>
    private static void MergeInBlocks(ModelWeights weights, TensorInfo info, TensorUpdate update, Tensor parameter, ScalarType from)
    {
        var merge = WeightMerger.RowBlocks(update, parameter.device);
        var rows = info.Shape[0];
        var cols = info.Shape[1];
        var step = Math.Max(1, BlockElements / cols);
        var rowBytes = cols * TensorDTypes.SizeOf(info.DType);
        for (long start = 0; start < rows; start += step)
        {
            using var scope = NewDisposeScope();
            var n = Math.Min(step, rows - start);
            var stored = empty([n, cols], from);
            weights.ReadBytes(info, start * rowBytes, stored.bytes);
            var work = stored.to_type(ScalarType.Float32).to(parameter.device);
            merge(work, start);
            parameter.narrow(0, start, n).copy_(work);
        }
    }

    private static ScalarType? StoredType(TensorDType dtype) => dtype switch
    {
        TensorDType.F32 => ScalarType.Float32,
        TensorDType.BF16 => ScalarType.BFloat16,
        TensorDType.F16 => ScalarType.Float16,
        _ => null,
    };

    /// <summary>The parameter's own name, then the architecture's alternatives, then a unique tensor ending in it (an extra wrapper prefix).</summary>
    private static TensorInfo Resolve(LanguageModelModule module, ModelWeights weights, string name)
    {
        foreach (var candidate in module.AlternativeNames(name).Prepend(name))
        {
            if (weights.TryGet(candidate, out var info))
            {
                return info;
            }
        }

        var longer = weights.Tensors.Where(t => t.Name.EndsWith("." + name, StringComparison.Ordinal)).Take(2).ToArray();
        if (longer.Length == 1)
        {
            return longer[0];
        }

        throw new UserInputException(
            $"{weights.Folder}: the {module.Config.ModelType} model needs tensor '{name}', which is in none of {string.Join(", ", weights.ShardFiles)}" +
            " (does config.json match the weights?)");
    }
}
