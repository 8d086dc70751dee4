using TorchSharp.Modules;
using static TorchSharp.torch;

namespace ModelGate.Forgetting.Models;

/// <summary>A lookup table (<c>nn.Embedding</c>): rows of <see cref="Weight"/> by index, differentiable.</summary>
internal sealed class EmbeddingLayer : nn.Module<Tensor, Tensor>
{
    public EmbeddingLayer(string name, long count, long dimension, TensorPlacement placement)
        : base(name)
    {
        Count = count;
        Weight = placement.NewParameter(count, dimension);
        register_parameter("weight", Weight);
    }

    public long Count { get; }

    public Parameter Weight { get; }

    public override Tensor forward(Tensor indices)
    {
        long[] shape = [.. indices.shape, Weight.shape[1]];
        return Weight.index_select(0, indices.reshape(-1)).reshape(shape);
    }
}
