using System.Text.Json.Nodes;
using static TorchSharp.torch;

namespace ModelGate.Forgetting.Models;

/// <summary>
/// Rotary position embedding with transformers' frequency rules (<c>modeling_rope_utils.py</c>): the default
/// 1/θ^(2i/d), linear scaling, and Llama 3's piecewise scaling (<c>_compute_llama3_parameters</c>). Reads both the
/// transformers 5 form (<c>rope_parameters</c> holding <c>rope_theta</c> and the scaling fields) and the older one
/// (<c>rope_theta</c> next to a <c>rope_scaling</c> dict with <c>rope_type</c> or <c>type</c>). The frequencies are
/// computed with float32 tensor operations in the same order as there, so they round the same way.
/// </summary>
internal sealed class RotaryEmbedding
{
    public static IReadOnlyList<string> SupportedTypes { get; } = ["default", "linear", "llama3"];

    private readonly float[] _inverseFrequencies;

    public RotaryEmbedding(ModelConfig config, long headDim)
    {
        var parameters = config.ObjectOrNull("rope_parameters");
        var legacy = config.ObjectOrNull("rope_scaling");
        var scaling = parameters ?? legacy;
        var scalingField = parameters is not null ? "rope_parameters" : "rope_scaling";
        var theta = (parameters is null ? null : config.DoubleOrNull(parameters, "rope_theta", "rope_parameters.rope_theta"))
            ?? config.DoubleOrNull("rope_theta") ?? 10000.0;
        var type = scaling is null ? "default" : ScalingType(config, scaling, scalingField);
        var partial = (parameters is null ? null : config.DoubleOrNull(parameters, "partial_rotary_factor", "rope_parameters.partial_rotary_factor"))
            ?? config.DoubleOrNull("partial_rotary_factor") ?? 1.0;
        if (partial != 1.0)
        {
            throw config.Invalid("partial_rotary_factor", $"is {partial}; only full rotary embeddings (1.0) are supported for this architecture");
        }

        Type = type;
        Theta = theta;
        using var scope = NewDisposeScope();
        var frequencies = DefaultFrequencies(theta, headDim);
        frequencies = type switch
        {
            "default" => frequencies,
            "linear" => frequencies.div(Required(config, scaling!, scalingField, "factor")),
            "llama3" => Llama3(config, scaling!, scalingField, frequencies),
            _ => throw config.Invalid(scalingField, $"has rope_type '{type}', which is not supported (supported: {string.Join(", ", SupportedTypes)})"),
        };
        _inverseFrequencies = frequencies.data<float>().ToArray();
    }

    public string Type { get; }

    public double Theta { get; }

    public IReadOnlyList<float> InverseFrequencies => _inverseFrequencies;

    /// <summary>cos and sin for positions 0..length−1, [length, headDim], computed in float32 and cast to <paramref name="dtype"/>.</summary>
    public (Tensor Cos, Tensor Sin) Angles(long length, Device device, ScalarType dtype)
    {
        var positions = arange(length, ScalarType.Float32, device).unsqueeze(1);
        var frequencies = positions.mul(tensor(_inverseFrequencies, ScalarType.Float32, device).unsqueeze(0));
        var angles = cat([frequencies, frequencies], 1);
        return (angles.cos().to_type(dtype), angles.sin().to_type(dtype));
    }

    /// <summary><c>apply_rotary_pos_emb</c> on [b, h, t, d]: x·cos + rotate_half(x)·sin.</summary>
    public static Tensor Apply(Tensor x, Tensor cos, Tensor sin)
    {
        var half = x.shape[^1] / 2;
        var rotated = cat([x.narrow(-1, half, half).neg(), x.narrow(-1, 0, half)], -1);
        return x.mul(cos).add(rotated.mul(sin));
    }

    private static Tensor DefaultFrequencies(double theta, long dim)
    {
        // 1.0 / (base ** (torch.arange(0, dim, 2, dtype=torch.int64).float() / dim))
        var exponents = arange(0, dim, 2, ScalarType.Int64).to_type(ScalarType.Float32).div(dim);
        return full(exponents.shape, theta, ScalarType.Float32).pow(exponents).reciprocal();
    }

    private static Tensor Llama3(ModelConfig config, JsonObject scaling, string field, Tensor inverseFrequencies)
    {
        var factor = Required(config, scaling, field, "factor");
        var lowFrequencyFactor = Required(config, scaling, field, "low_freq_factor");
        var highFrequencyFactor = Required(config, scaling, field, "high_freq_factor");
        var oldContext = Required(config, scaling, field, "original_max_position_embeddings");
        var lowFrequencyWavelength = oldContext / lowFrequencyFactor;
        var highFrequencyWavelength = oldContext / highFrequencyFactor;

        var wavelength = inverseFrequencies.reciprocal().mul(2 * Math.PI);
        var scaled = where(wavelength.gt(lowFrequencyWavelength), inverseFrequencies.div(factor), inverseFrequencies);
        var smooth = wavelength.reciprocal().mul(oldContext).sub(lowFrequencyFactor).div(highFrequencyFactor - lowFrequencyFactor);
        var smoothed = smooth.neg().add(1).mul(scaled).div(factor).add(smooth.mul(scaled));
        var medium = wavelength.lt(highFrequencyWavelength).logical_not().logical_and(wavelength.gt(lowFrequencyWavelength).logical_not());
        return where(medium, smoothed, scaled);
    }

    private static string ScalingType(ModelConfig config, JsonObject scaling, string field)
    {
        foreach (var key in new[] { "rope_type", "type" })
        {
            if (scaling[key] is JsonValue v && v.TryGetValue<string>(out var s))
            {
                return s;
            }
        }

        throw config.Invalid(field, "has no 'rope_type'");
    }

    private static double Required(ModelConfig config, JsonObject scaling, string field, string key) =>
        config.DoubleOrNull(scaling, key, $"{field}.{key}") ?? throw config.Invalid(field, $"has no '{key}'");
}
