using TorchSharp.Modules;
using static TorchSharp.torch;

namespace ModelGate.Forgetting.Models;

/// <summary><c>nn.LayerNorm</c> over the last dimension, with weight and bias.</summary>
internal sealed class LayerNormLayer : nn.Module<Tensor, Tensor>
{
    private readonly double _epsilon;

    public LayerNormLayer(string name, long dimension, double epsilon, TensorPlacement placement)
        : base(name)
    {
        _epsilon = epsilon;
        Weight = placement.NewParameter(dimension);
        Bias = placement.NewParameter(dimension);
        register_parameter("weight", Weight);
        register_parameter("bias", Bias);
    }

    public Parameter Weight { get; }

    public Parameter Bias { get; }

    public override Tensor forward(Tensor input) =>
        nn.functional.layer_norm(input, [Weight.shape[0]], Weight, Bias, _epsilon);
}
