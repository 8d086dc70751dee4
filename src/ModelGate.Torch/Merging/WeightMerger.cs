using ModelGate.Core.Adapters;
using ModelGate.Core.Errors;
using ModelGate.Core.Tensors;
using ModelGate.Torch.Runtime;
using static TorchSharp.torch;

namespace ModelGate.Torch.Merging;

/// <summary>
/// PEFT's merge arithmetic (<c>peft/tuners/lora/layer.py</c> and <c>variants.py</c>), in float32 whatever the stored
/// dtype: rounding bf16 twice moves the loss (peft #1388, #2502), so callers round once, on write.
/// </summary>
public static class WeightMerger
{
    /// <summary>
    /// Applies <paramref name="update"/>'s edits to <paramref name="weight"/> (float32, stored orientation) in order,
    /// each onto the result of the one before: adapters listed one after another are sequential fine-tunes.
    /// Returns a new float32 tensor in stored orientation, owned by the caller's dispose scope.
    /// </summary>
    public static Tensor Apply(Tensor weight, TensorUpdate update, Device device)
    {
        var current = weight;
        foreach (var edit in update.Edits)
        {
            current = edit switch
            {
                TensorEdit.Lora lora => ApplyLora(current, lora.Adapter, lora.Module, device),
                TensorEdit.LoraBias bias => current + Load(bias.Adapter.Weights, bias.Module.BBias!, device).mul(bias.Module.Scale),
                TensorEdit.Replace replace => Load(replace.Adapter.Weights, replace.Source, device),
                _ => throw new InvalidOperationException($"unknown edit {edit.GetType().Name}"),
            };
        }

        return current;
    }

    /// <summary>
    /// <see cref="Apply"/>, then a user error if the result holds NaN or infinities, so that neither a written merge
    /// nor a measured model silently carries them. Every tensor read is already checked, so what this catches is
    /// finite factors whose product overflows float32.
    /// </summary>
    public static Tensor ApplyChecked(Tensor weight, TensorUpdate update, Device device)
    {
        var merged = Apply(weight, update, device);
        TorchTensors.ThrowIfNotFinite(merged, update.OverflowSubject);
        return merged;
    }

    /// <summary>
    /// Whether <see cref="RowBlocks"/> can merge this update: every edit a LoRA of a linear layer stored out × in, where
    /// row i of the result needs only row i of W and of B (DoRA's norm is per row too).
    /// </summary>
    public static bool MergesByRows(TensorUpdate update) =>
        update.Base.Shape.Length == 2 && update.Edits.All(e => e is TensorEdit.Lora { Module: { Kind: LoraModuleKind.Linear, FanInFanOut: false } });

    /// <summary>
    /// <see cref="ApplyChecked"/> on blocks of whole rows: the returned function merges rows [start, start + n) of W
    /// (float32) in place — W += s·B[rows]·A as one fused multiply-add, then DoRA's row scaling — so a streamed merge
    /// allocates nothing per block. Same values as the whole-matrix merge up to float32 rounding of the fused step.
    /// The factors are loaded once, into the caller's dispose scope.
    /// </summary>
    public static Action<Tensor, long> RowBlocks(TensorUpdate update, Device device)
    {
        var factors = update.Edits.Cast<TensorEdit.Lora>().Select(e => (
            A: Load(e.Adapter.Weights, e.Module.A, device),
            B: Load(e.Adapter.Weights, e.Module.B, device),
            Magnitude: e.Module.IsDora ? Load(e.Adapter.Weights, e.Module.Magnitude!, device) : null,
            e.Module.Scale)).ToArray();
        return (rows, start) =>
        {
            using var scope = NewDisposeScope();
            var n = rows.shape[0];
            foreach (var (a, b, magnitude, scale) in factors)
            {
                rows.addmm_(b.narrow(0, start, n), a, beta: 1, alpha: (float)scale);
                if (magnitude is not null)
                {
                    rows.mul_((magnitude.narrow(0, start, n) / linalg.vector_norm(rows, 2, [1])).unsqueeze(1));
                }
            }

            // max and min propagate NaN and show infinities, without a mask the size of the block.
            if (!double.IsFinite(rows.max().to_type(ScalarType.Float64).item<double>()) || !double.IsFinite(rows.min().to_type(ScalarType.Float64).item<double>()))
            {
                throw new UserInputException(
                    $"merging into '{update.TensorName}' gives NaN or infinite values: adapter {update.Edits[^1].Adapter.Folder} seems broken");
            }
        };
    }

    /// <summary>s·B·A in the layer's out × in orientation (for embeddings: dim × vocab, transposed by the caller).</summary>
    public static Tensor Delta(LoraAdapter adapter, LoraModule module, Device device)
    {
        var a = Load(adapter.Weights, module.A, device);
        var b = Load(adapter.Weights, module.B, device);
        return b.matmul(a).mul(module.Scale);
    }

    private static Tensor ApplyLora(Tensor stored, LoraAdapter adapter, LoraModule module, Device device)
    {
        var delta = Delta(adapter, module, device);
        if (module.Kind == LoraModuleKind.Embedding)
        {
            return stored + delta.t();
        }

        var w = module.FanInFanOut ? stored.t() : stored;
        var merged = w + delta;
        if (module.IsDora)
        {
            // DoRA: W' = m / ‖W + ΔW‖_row · (W + ΔW), the norm taken per output feature of the weight this adapter
            // was trained on — here the result of the adapters before it (peft #3608 is about the other case).
            var norm = linalg.vector_norm(merged, 2, [1]);
            var magnitude = Load(adapter.Weights, module.Magnitude!, device);
            merged = (magnitude / norm).unsqueeze(1) * merged;
        }

        return module.FanInFanOut ? merged.t().contiguous() : merged;
    }

    /// <summary>Reads a tensor of an adapter file as float32 onto <paramref name="device"/>.</summary>
    public static Tensor Load(SafetensorsFile file, TensorInfo info, Device device) =>
        TorchTensors.LoadFloat32(file, info, device);
}
