using ModelGate.Core.Errors;
using ModelGate.Torch.Runtime;
using static TorchSharp.torch;

namespace ModelGate.Forgetting.Models;

/// <summary>How <see cref="LanguageModelLoader"/> loads a model.</summary>
public sealed record LanguageModelOptions
{
    public static IReadOnlyList<string> DTypeChoices { get; } = ["float32", "bfloat16"];

    /// <summary><c>auto</c>, <c>cpu</c>, <c>cuda</c> or <c>cuda:N</c> (see <see cref="TorchDeviceSelector"/>).</summary>
    public string Device { get; init; } = "auto";

    /// <summary>
    /// <c>float32</c> or <c>bfloat16</c>: the dtype of the weights and activations. Norms, softmax and logits are
    /// float32 either way, as transformers computes them.
    /// </summary>
    public string DType { get; init; } = "float32";

    /// <summary>PEFT adapter folders merged into the weights in memory, in order, before the model runs; nothing is written.</summary>
    public IReadOnlyList<string> Adapters { get; init; } = [];

    /// <summary>The TorchSharp dtype for <see cref="DType"/>; a user error for anything else.</summary>
    public ScalarType ScalarType() => DType.Trim().ToLowerInvariant() switch
    {
        "float32" or "fp32" or "f32" => TorchSharp.torch.ScalarType.Float32,
        "bfloat16" or "bf16" => TorchSharp.torch.ScalarType.BFloat16,
        _ => throw new UserInputException(InputField.DType, $"'{DType}' is not one of {string.Join(", ", DTypeChoices)}"),
    };
}
