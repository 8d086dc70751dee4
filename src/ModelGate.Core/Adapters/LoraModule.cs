using ModelGate.Core.Tensors;

namespace ModelGate.Core.Adapters;

/// <summary>One adapted module of a LoRA adapter: its factors and the scale PEFT merges them with.</summary>
public sealed record LoraModule
{
    /// <summary>The module's path in the base model, without PEFT's <c>base_model.model.</c> prefix.</summary>
    public required string ModulePath { get; init; }
    public required LoraModuleKind Kind { get; init; }
    public required TensorInfo A { get; init; }
    public required TensorInfo B { get; init; }
    public TensorInfo? BBias { get; init; }
    public TensorInfo? Magnitude { get; init; }
    public required int Rank { get; init; }
    public required double Alpha { get; init; }
    public required double Scale { get; init; }
    public required bool FanInFanOut { get; init; }

    public bool IsDora => Magnitude is not null;

    /// <summary>Rows of the layer's output (out_features, or the embedding dimension).</summary>
    public long OutFeatures => B.Shape[0];

    /// <summary>Columns of the layer's input (in_features, or the vocabulary size).</summary>
    public long InFeatures => A.Shape[1];
}
