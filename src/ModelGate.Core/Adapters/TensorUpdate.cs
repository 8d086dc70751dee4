using ModelGate.Core.Errors;
using ModelGate.Core.Tensors;

namespace ModelGate.Core.Adapters;

/// <summary>A base tensor that one or more adapters change, with the edits in the order they apply.</summary>
public sealed record TensorUpdate(string TensorName, TensorInfo Base, MatrixLayout Layout, IReadOnlyList<TensorEdit> Edits)
{
    /// <summary>Whether the paper's analysis applies: a 2-D weight that a LoRA factorisation or a replacement changes.</summary>
    public bool IsMatrix => Base.Shape.Length == 2 && Edits.All(e => e is not TensorEdit.LoraBias);

    /// <summary>How errors name the merged weight: the (last) adapter's file and the base tensor it changes.</summary>
    public string OverflowSubject =>
        $"{Edits[^1].Adapter.Weights.Path}: merging its update into base tensor {MessageText.Quote(TensorName)} overflows float32: the merged weight";
}
