using ModelGate.Core.Errors;
using ModelGate.Core.Tensors;

namespace ModelGate.Core.Adapters;

/// <summary>Options of a merge, validated before any file is opened.</summary>
public sealed record MergeSettings
{
    /// <summary>Floating-point dtype of the written weights; null keeps each tensor's dtype (fp16 ↔ bf16 is lossy, mergekit #316).</summary>
    public TensorDType? DType { get; init; }

    /// <summary>Replace an existing non-empty output folder (only once the new one is complete).</summary>
    public bool Force { get; init; }

    public static TensorDType ParseDType(string value) => value.ToLowerInvariant() switch
    {
        "float32" or "fp32" or "f32" => TensorDType.F32,
        "float16" or "fp16" or "f16" or "half" => TensorDType.F16,
        "bfloat16" or "bf16" => TensorDType.BF16,
        _ => throw new UserInputException(InputField.DType, $"must be one of float32, float16, bfloat16; got '{value}'"),
    };
}
