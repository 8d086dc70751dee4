using ModelGate.Core.Adapters;
using ModelGate.Core.Errors;
using ModelGate.Core.Tensors;
using ModelGate.Core.Torch;
using static TorchSharp.torch;

namespace ModelGate.Core.Forgetting.Models;

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

                if (pending.Remove(info.Name, out var update))
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
        ScalarType? stored = info.DType switch
        {
            TensorDType.F32 => ScalarType.Float32,
            TensorDType.BF16 => ScalarType.BFloat16,
            TensorDType.F16 => ScalarType.Float16,
            _ => null,
        };
        if (stored is not { } from || !parameter.is_contiguous())
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
