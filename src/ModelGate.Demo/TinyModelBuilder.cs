using System.Text.Json;
using System.Text.Json.Nodes;
using ModelGate.Core.Tensors;
using ModelGate.Torch.Runtime;
using static TorchSharp.torch;

namespace ModelGate.Demo;

/// <summary>
/// Writes a tiny LLaMA-shaped model as transformers saves one (config.json, safetensors, optionally sharded with
/// model.safetensors.index.json), with block matrices of known, well separated spectra. Deterministic per seed.
/// </summary>
public sealed record TinyModelBuilder
{
    public int Hidden { get; init; } = 64;
    public int Intermediate { get; init; } = 128;
    public int Layers { get; init; } = 2;
    public int Heads { get; init; } = 4;
    public int KeyValueHeads { get; init; } = 4;
    public int Vocab { get; init; } = 256;
    public TensorDType DType { get; init; } = TensorDType.F32;

    /// <summary>1 writes model.safetensors; more splits the tensors over that many shards plus an index.</summary>
    public int Shards { get; init; } = 1;

    public ulong Seed { get; init; } = 1;

    public static IReadOnlyList<string> ProjectionNames { get; } =
        ["self_attn.q_proj", "self_attn.k_proj", "self_attn.v_proj", "self_attn.o_proj", "mlp.gate_proj", "mlp.up_proj", "mlp.down_proj"];

    public TinyModel Build(string folder)
    {
        Directory.CreateDirectory(folder);
        var headDim = Hidden / Heads;
        var kvDim = headDim * KeyValueHeads;
        var tensors = new List<(string Name, long[] Shape, Func<float[]> Values)>();

        float[] Gaussian(string name, long count, double std) =>
            DeterministicRandom.For(Seed, name).Gaussian(count).Select(v => (float)(v * std)).ToArray();

        float[] Structured(string name, long rows, long cols)
        {
            using var scope = NewDisposeScope();
            return TorchTensors.ToArray(SyntheticMath.StructuredMatrix(DeterministicRandom.For(Seed, name), rows, cols, scale: 1.0));
        }

        tensors.Add(("model.embed_tokens.weight", [Vocab, Hidden], () => Gaussian("embed", (long)Vocab * Hidden, 0.02)));
        var linear = new List<string>();
        for (var layer = 0; layer < Layers; layer++)
        {
            var prefix = $"model.layers.{layer}.";
            tensors.Add((prefix + "input_layernorm.weight", [Hidden], () => Enumerable.Repeat(1f, Hidden).ToArray()));
            foreach (var projection in ProjectionNames)
            {
                long[] shape = projection switch
                {
                    "self_attn.k_proj" or "self_attn.v_proj" => [kvDim, Hidden],
                    "mlp.gate_proj" or "mlp.up_proj" => [Intermediate, Hidden],
                    "mlp.down_proj" => [Hidden, Intermediate],
                    _ => [Hidden, Hidden],
                };
                var name = prefix + projection + ".weight";
                linear.Add(prefix + projection);
                tensors.Add((name, shape, () => Structured(name, shape[0], shape[1])));
            }

            tensors.Add((prefix + "post_attention_layernorm.weight", [Hidden], () => Enumerable.Repeat(1f, Hidden).ToArray()));
        }

        tensors.Add(("model.norm.weight", [Hidden], () => Enumerable.Repeat(1f, Hidden).ToArray()));
        tensors.Add(("lm_head.weight", [Vocab, Hidden], () => Gaussian("lm_head", (long)Vocab * Hidden, 0.02)));

        WriteConfig(folder, headDim);
        WriteTensors(folder, tensors);
        return new TinyModel(folder, linear, Layers);
    }

    private void WriteTensors(string folder, List<(string Name, long[] Shape, Func<float[]> Values)> tensors)
    {
        var shardCount = Math.Clamp(Shards, 1, tensors.Count);
        var perShard = (tensors.Count + shardCount - 1) / shardCount;
        var layout = tensors
            .Select((t, i) => (t, shard: i / perShard))
            .GroupBy(x => x.shard)
            .Select(g => (
                shardCount == 1 ? "model.safetensors" : $"model-{g.Key + 1:00000}-of-{shardCount:00000}.safetensors",
                (IReadOnlyList<TensorSpec>)g.Select(x => new TensorSpec(x.t.Name, DType, x.t.Shape)).ToArray()))
            .ToArray();

        using var writer = new ShardedModelWriter(folder, layout, new Dictionary<string, string> { ["format"] = "pt" });
        foreach (var (name, _, values) in tensors)
        {
            writer.WriteTensorFloat32(name, values());
        }

        writer.Commit();
    }

    private void WriteConfig(string folder, int headDim)
    {
        var dtypeName = DType switch { TensorDType.F16 => "float16", TensorDType.BF16 => "bfloat16", _ => "float32" };
        var config = new JsonObject
        {
            ["architectures"] = new JsonArray("LlamaForCausalLM"),
            ["model_type"] = "llama",
            ["hidden_size"] = Hidden,
            ["intermediate_size"] = Intermediate,
            ["num_hidden_layers"] = Layers,
            ["num_attention_heads"] = Heads,
            ["num_key_value_heads"] = KeyValueHeads,
            ["head_dim"] = headDim,
            ["vocab_size"] = Vocab,
            ["hidden_act"] = "silu",
            ["max_position_embeddings"] = 256,
            ["rms_norm_eps"] = 1e-6,
            ["rope_theta"] = 10000.0,
            ["tie_word_embeddings"] = false,
            ["bos_token_id"] = 1,
            ["eos_token_id"] = 2,
            ["dtype"] = dtypeName,
            ["modelgate_synthetic_seed"] = Seed,
        };
        File.WriteAllText(Path.Combine(folder, "config.json"), config.ToJsonString(new JsonSerializerOptions { WriteIndented = true }));
        File.WriteAllText(Path.Combine(folder, "generation_config.json"), """{"bos_token_id": 1, "eos_token_id": 2}""");
    }
}
