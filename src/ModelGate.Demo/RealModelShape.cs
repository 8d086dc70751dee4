using System.Diagnostics.CodeAnalysis;
using System.Text.Json.Nodes;

namespace ModelGate.Demo;

/// <summary>
/// The published architecture of a real model (its config.json's numbers and the hub's shard layout), so generated
/// stand-ins have exactly the matrices, dtypes and files a user's base has. A test takes a preset and shrinks it with
/// <c>with { ... }</c>; the benchmark uses the presets as they are.
/// </summary>
[SuppressMessage("Naming", "CA1707:Identifiers should not contain underscores", Justification = "The presets are named after the published models (Llama-3.2-1B is Llama32_1B); without the underscore 321B reads as one number.")]
public sealed record RealModelShape
{
    /// <summary>The name <c>bench --model</c> takes (the hub name, lower case).</summary>
    public required string Name { get; init; }

    public required string ModelType { get; init; }
    public required string Architecture { get; init; }
    public required int Hidden { get; init; }
    public required int Intermediate { get; init; }
    public required int Layers { get; init; }
    public required int Heads { get; init; }
    public required int KeyValueHeads { get; init; }
    public required int HeadDim { get; init; }
    public required int Vocab { get; init; }
    public required bool TiedEmbeddings { get; init; }

    /// <summary>Qwen2 puts a bias on q, k and v.</summary>
    public bool QkvBias { get; init; }

    /// <summary>The largest shard the hub's upload wrote (transformers' <c>max_shard_size</c>); 0 is one file.</summary>
    public long MaxShardBytes { get; init; }

    /// <summary>config.json entries beyond the shape (token ids, rope, norms), as the model publishes them.</summary>
    public required IReadOnlyDictionary<string, JsonNode?> ExtraConfig { get; init; }

    public int KeyValueDim => HeadDim * KeyValueHeads;

    /// <summary>meta-llama/Llama-3.2-1B: one model.safetensors of 2.47 GB on the hub, tied embeddings, GQA 32/8.</summary>
    public static RealModelShape Llama32_1B { get; } = new()
    {
        Name = "llama-3.2-1b", ModelType = "llama", Architecture = "LlamaForCausalLM",
        Hidden = 2048, Intermediate = 8192, Layers = 16, Heads = 32, KeyValueHeads = 8, HeadDim = 64, Vocab = 128256,
        TiedEmbeddings = true,
        ExtraConfig = LlamaConfig(rope: 32.0),
    };

    /// <summary>meta-llama/Llama-3.1-8B: four shards of at most 5 GB, untied head, GQA 32/8, head dim 128.</summary>
    public static RealModelShape Llama31_8B { get; } = new()
    {
        Name = "llama-3.1-8b", ModelType = "llama", Architecture = "LlamaForCausalLM",
        Hidden = 4096, Intermediate = 14336, Layers = 32, Heads = 32, KeyValueHeads = 8, HeadDim = 128, Vocab = 128256,
        TiedEmbeddings = false, MaxShardBytes = 5_000_000_000,
        ExtraConfig = LlamaConfig(rope: 8.0),
    };

    /// <summary>Qwen/Qwen2.5-0.5B: one model.safetensors, tied embeddings, biases on q/k/v, GQA 14/2.</summary>
    public static RealModelShape Qwen25_05B { get; } = new()
    {
        Name = "qwen2.5-0.5b", ModelType = "qwen2", Architecture = "Qwen2ForCausalLM",
        Hidden = 896, Intermediate = 4864, Layers = 24, Heads = 14, KeyValueHeads = 2, HeadDim = 64, Vocab = 151936,
        TiedEmbeddings = true, QkvBias = true,
        ExtraConfig = new Dictionary<string, JsonNode?>
        {
            ["attention_dropout"] = 0.0,
            ["bos_token_id"] = 151643,
            ["eos_token_id"] = 151643,
            ["hidden_act"] = "silu",
            ["initializer_range"] = 0.02,
            ["max_position_embeddings"] = 32768,
            ["max_window_layers"] = 24,
            ["rms_norm_eps"] = 1e-6,
            ["rope_theta"] = 1000000.0,
            ["sliding_window"] = 32768,
            ["use_cache"] = true,
            ["use_sliding_window"] = false,
        },
    };

    public static IReadOnlyList<RealModelShape> Presets { get; } = [Llama32_1B, Qwen25_05B, Llama31_8B];

    /// <summary>The module paths of one decoder layer's linear weights (out × in), in the order transformers saves them.</summary>
    public IReadOnlyList<(string Module, long Rows, long Cols)> LayerMatrices(int layer)
    {
        var prefix = $"model.layers.{layer}.";
        return
        [
            (prefix + "self_attn.q_proj", (long)Heads * HeadDim, Hidden),
            (prefix + "self_attn.k_proj", KeyValueDim, Hidden),
            (prefix + "self_attn.v_proj", KeyValueDim, Hidden),
            (prefix + "self_attn.o_proj", Hidden, (long)Heads * HeadDim),
            (prefix + "mlp.gate_proj", Intermediate, Hidden),
            (prefix + "mlp.up_proj", Intermediate, Hidden),
            (prefix + "mlp.down_proj", Hidden, Intermediate),
        ];
    }

    private static Dictionary<string, JsonNode?> LlamaConfig(double rope) => new()
    {
        ["attention_bias"] = false,
        ["attention_dropout"] = 0.0,
        ["bos_token_id"] = 128000,
        ["eos_token_id"] = 128001,
        ["hidden_act"] = "silu",
        ["initializer_range"] = 0.02,
        ["max_position_embeddings"] = 131072,
        ["mlp_bias"] = false,
        ["pretraining_tp"] = 1,
        ["rms_norm_eps"] = 1e-5,
        ["rope_scaling"] = new JsonObject
        {
            ["factor"] = rope,
            ["high_freq_factor"] = 4.0,
            ["low_freq_factor"] = 1.0,
            ["original_max_position_embeddings"] = 8192,
            ["rope_type"] = "llama3",
        },
        ["rope_theta"] = 500000.0,
        ["use_cache"] = true,
    };
}
