using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace ModelGate.Forgetting.Models;

/// <summary>
/// LLaMA's RMSNorm as transformers computes it (<c>LlamaRMSNorm</c>): normalise in float32, cast back to the input
/// dtype, then scale: w · (x / √(mean(x²) + ε)).
/// </summary>
internal sealed class RmsNormLayer : nn.Module<Tensor, Tensor>
{
    // Held for the module's life: a Scalar converted implicitly inside forward is unreachable once its handle is read,
    // so the GC may finalize (free) it while libtorch still reads it; under memory pressure that showed as a corrupt
    // Scalar ("Expected false to be true" in toFloat) mid-training.
    private readonly Scalar _epsilon;

    public RmsNormLayer(string name, long dimension, double epsilon, TensorPlacement placement)
        : base(name)
    {
        _epsilon = epsilon.ToScalar();
        Weight = placement.NewParameter(dimension);
        register_parameter("weight", Weight);
    }

    public Parameter Weight { get; }

    public override Tensor forward(Tensor input)
    {
        var x = input.to_type(ScalarType.Float32);
        var variance = x.pow(2).mean([-1], keepdim: true);
        var normalized = x.mul(rsqrt(variance.add(_epsilon)));
        return Weight.mul(normalized.to_type(input.dtype));
    }
}
