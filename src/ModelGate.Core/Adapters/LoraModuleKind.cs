namespace ModelGate.Core.Adapters;

/// <summary>Which PEFT layer the LoRA factors belong to; it decides the shapes and the merge formula.</summary>
public enum LoraModuleKind
{
    /// <summary><c>nn.Linear</c> (or GPT-2 <c>Conv1D</c> with fan_in_fan_out): A is r×in, B is out×r.</summary>
    Linear,

    /// <summary><c>nn.Embedding</c>: <c>lora_embedding_A</c> is r×vocab, <c>lora_embedding_B</c> is dim×r; ΔW = (B·A)ᵀ.</summary>
    Embedding,
}
