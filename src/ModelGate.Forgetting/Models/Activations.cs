using TorchSharp;
using static TorchSharp.torch;

namespace ModelGate.Forgetting.Models;

/// <summary>transformers' <c>ACT2FN</c> names (activations.py) for the functions the supported architectures use.</summary>
internal static class Activations
{
    private static readonly double TanhGeluScale = Math.Sqrt(2.0 / Math.PI);

    public static IReadOnlyList<string> Names { get; } = ["gelu", "gelu_new", "gelu_pytorch_tanh", "gelu_fast", "relu", "silu", "swish"];

    /// <summary>The activation named by <paramref name="field"/> of the config; a user error naming the field for others.</summary>
    public static Func<Tensor, Tensor> From(ModelConfig config, string field, string fallback)
    {
        var name = config.StringOrNull(field) ?? fallback;
        return name switch
        {
            // GELUActivation: the exact erf form.
            "gelu" => x => nn.functional.gelu(x),
            // NewGELUActivation / PytorchGELUTanh / FastGELUActivation: the tanh approximation, GPT-2's gelu_new.
            "gelu_new" or "gelu_pytorch_tanh" or "gelu_fast" => TanhGelu,
            "relu" => x => nn.functional.relu(x),
            "silu" or "swish" => x => nn.functional.silu(x),
            _ => throw config.Invalid(field, $"is '{name}', which is not supported (supported: {string.Join(", ", Names)})"),
        };
    }

    /// <summary>0.5·x·(1 + tanh(√(2/π)·(x + 0.044715·x³))), written out as NewGELUActivation computes it.</summary>
    public static Tensor TanhGelu(Tensor x) =>
        x.mul(Half).mul(x.add(x.pow(Three).mul(CubicCoefficient)).mul(TanhGeluScalar).tanh().add(One));

    // Scalars that live as long as the process: an implicit conversion's Scalar can be finalized while libtorch reads it.
    private static readonly Scalar Half = 0.5.ToScalar();
    private static readonly Scalar One = 1.0.ToScalar();
    private static readonly Scalar Three = 3.ToScalar();
    private static readonly Scalar CubicCoefficient = 0.044715.ToScalar();
    private static readonly Scalar TanhGeluScalar = TanhGeluScale.ToScalar();
}
