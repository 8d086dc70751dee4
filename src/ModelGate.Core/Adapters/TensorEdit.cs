using ModelGate.Core.Tensors;

namespace ModelGate.Core.Adapters;

/// <summary>One change an adapter makes to one base tensor; a tensor's edits apply in adapter order.</summary>
public abstract record TensorEdit(LoraAdapter Adapter)
{
    /// <summary>W ← W + s·B·A (or DoRA's re-normalised form) for a LoRA module.</summary>
    public sealed record Lora(LoraAdapter Adapter, LoraModule Module) : TensorEdit(Adapter);

    /// <summary>bias ← bias + s·b_B (PEFT's <c>lora_bias=True</c>).</summary>
    public sealed record LoraBias(LoraAdapter Adapter, LoraModule Module) : TensorEdit(Adapter);

    /// <summary>W ← the adapter's tensor (<c>modules_to_save</c>, saved embedding layers).</summary>
    public sealed record Replace(LoraAdapter Adapter, TensorInfo Source) : TensorEdit(Adapter);
}
