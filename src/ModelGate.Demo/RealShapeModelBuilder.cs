using System.Text.Json;
using System.Text.Json.Nodes;
using ModelGate.Core.Adapters;
using ModelGate.Core.IO;
using ModelGate.Core.Tensors;
using ModelGate.Torch.Runtime;
using static TorchSharp.torch;

namespace ModelGate.Demo;

/// <summary>
/// Writes a stand-in for a real base model in its exact shapes (<see cref="RealModelShape"/>): config.json as the model
/// publishes it, bf16 safetensors sharded as the hub shards them, linear weights with pretrained-like spectra
/// (<see cref="PretrainedLikeMatrix"/>), a small byte-level BPE tokenizer; and an all-linear PEFT LoRA adapter for it
/// with planted intruders. Tensors are generated and written block by block, so a 1B model is built in a few hundred MB
/// of memory and an 8B one no more. Deterministic per seed (and libtorch's CPU generator).
/// </summary>
public sealed record RealShapeModelBuilder
{
    public required RealModelShape Shape { get; init; }

    /// <summary>Decoder layers to write (default: all the model has); config.json says the number written.</summary>
    public int? Layers { get; init; }

    /// <summary>0: shards as on the hub (<see cref="RealModelShape.MaxShardBytes"/>); n: n shards of about equal size.</summary>
    public int Shards { get; init; }

    public ulong Seed { get; init; } = 1;
    public int AdapterRank { get; init; } = 16;
    public double AdapterAlpha { get; init; } = 32;

    public int LayerCount => Layers ?? Shape.Layers;

    /// <summary>The linear weights (out × in) an all-linear adapter targets, layer by layer.</summary>
    public IReadOnlyList<(string Module, long Rows, long Cols)> LinearMatrices =>
        [.. Enumerable.Range(0, LayerCount).SelectMany(Shape.LayerMatrices)];

    /// <summary>Intruders the adapter plants per base tensor name: 0, 1 or 2, varying with layer and matrix.</summary>
    public IReadOnlyDictionary<string, int> PlantedIntruders =>
        LinearMatrices.Select((m, i) => (m.Module, Count: (i + i / 7) % 3)).ToDictionary(m => m.Module + ".weight", m => m.Count, StringComparer.Ordinal);

    /// <summary>Bytes of the model's tensors as written.</summary>
    public long ModelBytes => Tensors().Sum(t => t.Shape.Aggregate(2L, (a, b) => a * b));

    public void BuildModel(string folder, bool replace)
    {
        StagedFolder.Write(folder, replace, staging =>
        {
            WriteConfig(staging);
            ByteLevelBpe.Train([DemoCorpus.Prose(Seed, "tokenizer", 20_000)], 512).Save(staging);
            var tensors = Tensors();
            using var writer = new ShardedModelWriter(staging, Layout(tensors), new Dictionary<string, string> { ["format"] = "pt" });
            foreach (var (name, shape, kind) in tensors)
            {
                writer.BeginTensor(name);
                WriteBlocks(name, shape, kind, block => writer.WriteTensorChunk(block.to_type(ScalarType.BFloat16).contiguous().bytes));
            }

            writer.Commit();
        });
    }

    /// <summary>
    /// An all-linear adapter (every q, k, v, o, gate, up, down) of rank <see cref="AdapterRank"/>, float32 as PEFT saves
    /// it, planting <see cref="PlantedIntruders"/>: the base's top directions are regenerated from the seed, not read.
    /// </summary>
    public void BuildAdapter(string baseFolder, string folder, bool replace)
    {
        var scale = AdapterAlpha / AdapterRank;
        var planted = PlantedIntruders;
        StagedFolder.Write(folder, replace, staging =>
        {
            var matrices = LinearMatrices;
            var specs = matrices.SelectMany(m => new[]
            {
                new TensorSpec($"base_model.model.{m.Module}.lora_A.weight", TensorDType.F32, [AdapterRank, m.Cols]),
                new TensorSpec($"base_model.model.{m.Module}.lora_B.weight", TensorDType.F32, [m.Rows, AdapterRank]),
            }).ToArray();
            using (var writer = SafetensorsWriter.Create(Path.Combine(staging, LoraAdapter.WeightsFileName), specs,
                       new Dictionary<string, string> { ["format"] = "pt" }))
            {
                foreach (var (module, rows, cols) in matrices)
                {
                    using var scope = NewDisposeScope();
                    var name = module + ".weight";
                    var (u0, s0, v0) = PretrainedLikeMatrix.Head(Seed, name, rows, cols);
                    var count = planted[name];
                    var farU = count > 0 ? PretrainedLikeMatrix.FarFrom(Seed, name + "/u", u0, count) : null;
                    var farV = count > 0 ? PretrainedLikeMatrix.FarFrom(Seed, name + "/v", v0, count) : null;
                    var (b, a) = PlantedFactors.Build(u0, s0, v0, farU, farV, count, AdapterRank);
                    writer.WriteTensorFloat32($"base_model.model.{module}.lora_A.weight", TorchTensors.ToArray(a));
                    writer.WriteTensorFloat32($"base_model.model.{module}.lora_B.weight", TorchTensors.ToArray(b / scale));
                }

                writer.Commit();
            }

            var config = new JsonObject
            {
                ["peft_type"] = "LORA",
                ["task_type"] = "CAUSAL_LM",
                ["base_model_name_or_path"] = Path.GetFullPath(baseFolder),
                ["r"] = AdapterRank,
                ["lora_alpha"] = AdapterAlpha,
                ["lora_dropout"] = 0.0,
                ["use_rslora"] = false,
                ["use_dora"] = false,
                ["fan_in_fan_out"] = false,
                ["bias"] = "none",
                // What PEFT's "all-linear" resolves to on these architectures, as it saves it.
                ["target_modules"] = new JsonArray("q_proj", "k_proj", "v_proj", "o_proj", "gate_proj", "up_proj", "down_proj"),
                ["modules_to_save"] = null,
                ["inference_mode"] = true,
            };
            File.WriteAllText(Path.Combine(staging, AdapterConfig.FileName), config.ToJsonString(new JsonSerializerOptions { WriteIndented = true }));
        });
    }

    /// <summary>
    /// One linear matrix exactly as <see cref="BuildModel"/> writes it (bf16, here widened back to float32) and the
    /// update <see cref="BuildAdapter"/> plants in it with <paramref name="intruders"/> intruders, as B (LoRA scale
    /// folded in) and A in float32: for comparisons on one matrix per shape without writing a whole model. The tensors
    /// belong to the caller's dispose scope.
    /// </summary>
    public (Tensor W0, Tensor B, Tensor A) PlantedMatrix(string module, long rows, long cols, int intruders)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(intruders);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(intruders, AdapterRank);
        var name = module + ".weight";
        var w0 = empty([rows, cols], ScalarType.Float32);
        long filled = 0;
        PretrainedLikeMatrix.WriteRowBlocks(Seed, name, rows, cols, noiseOnly: false, block =>
        {
            w0.narrow(0, filled, block.shape[0]).copy_(block.to_type(ScalarType.BFloat16));
            filled += block.shape[0];
        });

        using var scope = NewDisposeScope();
        var (u0, s0, v0) = PretrainedLikeMatrix.Head(Seed, name, rows, cols);
        var farU = intruders > 0 ? PretrainedLikeMatrix.FarFrom(Seed, name + "/u", u0, intruders) : null;
        var farV = intruders > 0 ? PretrainedLikeMatrix.FarFrom(Seed, name + "/v", v0, intruders) : null;
        var (b, a) = PlantedFactors.Build(u0, s0, v0, farU, farV, intruders, AdapterRank);
        return (w0, b.MoveToOuterDisposeScope(), a.MoveToOuterDisposeScope());
    }

    private enum TensorKind
    {
        Linear,
        Embedding,
        Norm,
        Bias,
    }

    /// <summary>Every tensor in the order transformers' state dict has them (which is also the order shards fill in).</summary>
    private List<(string Name, long[] Shape, TensorKind Kind)> Tensors()
    {
        var tensors = new List<(string, long[], TensorKind)> { ("model.embed_tokens.weight", [Shape.Vocab, Shape.Hidden], TensorKind.Embedding) };
        for (var layer = 0; layer < LayerCount; layer++)
        {
            foreach (var (module, rows, cols) in Shape.LayerMatrices(layer))
            {
                tensors.Add((module + ".weight", [rows, cols], TensorKind.Linear));
                if (Shape.QkvBias && (module.EndsWith("q_proj", StringComparison.Ordinal) || module.EndsWith("k_proj", StringComparison.Ordinal) || module.EndsWith("v_proj", StringComparison.Ordinal)))
                {
                    tensors.Add((module + ".bias", [rows], TensorKind.Bias));
                }
            }

            tensors.Add(($"model.layers.{layer}.input_layernorm.weight", [Shape.Hidden], TensorKind.Norm));
            tensors.Add(($"model.layers.{layer}.post_attention_layernorm.weight", [Shape.Hidden], TensorKind.Norm));
        }

        tensors.Add(("model.norm.weight", [Shape.Hidden], TensorKind.Norm));
        if (!Shape.TiedEmbeddings)
        {
            tensors.Add(("lm_head.weight", [Shape.Vocab, Shape.Hidden], TensorKind.Embedding));
        }

        return tensors;
    }

    private void WriteBlocks(string name, long[] shape, TensorKind kind, Action<Tensor> write)
    {
        switch (kind)
        {
            case TensorKind.Linear:
                PretrainedLikeMatrix.WriteRowBlocks(Seed, name, shape[0], shape[1], noiseOnly: false, write);
                break;
            case TensorKind.Embedding:
                PretrainedLikeMatrix.WriteRowBlocks(Seed, name, shape[0], shape[1], noiseOnly: true, write);
                break;
            case TensorKind.Bias:
                PretrainedLikeMatrix.WriteRowBlocks(Seed, name, 1, shape[0], noiseOnly: true, write);
                break;
            default:
                using (var scope = NewDisposeScope())
                {
                    write(ones(shape));
                }

                break;
        }
    }

    /// <summary>
    /// transformers' sharding (fill a shard in state-dict order until the next tensor would pass the limit) or, when
    /// asked for n shards, each tensor in the n-th of the bytes its middle falls in.
    /// </summary>
    private IReadOnlyList<(string FileName, IReadOnlyList<TensorSpec> Tensors)> Layout(List<(string Name, long[] Shape, TensorKind Kind)> tensors)
    {
        var specs = tensors.Select(t => new TensorSpec(t.Name, TensorDType.BF16, t.Shape)).ToArray();
        var total = specs.Sum(s => s.ByteLength);
        var limit = Shape.MaxShardBytes > 0 ? Shape.MaxShardBytes : long.MaxValue;
        var groups = new List<List<TensorSpec>>();
        long offset = 0;
        long size = 0;
        foreach (var spec in specs)
        {
            var fresh = Shards > 0
                ? groups.Count <= (int)Math.Min(Shards - 1, (offset + (spec.ByteLength / 2)) * (double)Shards / total)
                : groups.Count == 0 || (size > 0 && size + spec.ByteLength > limit);
            if (fresh)
            {
                groups.Add([]);
                size = 0;
            }

            groups[^1].Add(spec);
            size += spec.ByteLength;
            offset += spec.ByteLength;
        }

        return groups.Count == 1
            ? [("model.safetensors", groups[0])]
            : [.. groups.Select((g, i) => ($"model-{i + 1:00000}-of-{groups.Count:00000}.safetensors", (IReadOnlyList<TensorSpec>)g))];
    }

    private void WriteConfig(string folder)
    {
        var config = new JsonObject
        {
            ["architectures"] = new JsonArray(Shape.Architecture),
            ["model_type"] = Shape.ModelType,
            ["hidden_size"] = Shape.Hidden,
            ["intermediate_size"] = Shape.Intermediate,
            ["num_hidden_layers"] = LayerCount,
            ["num_attention_heads"] = Shape.Heads,
            ["num_key_value_heads"] = Shape.KeyValueHeads,
            ["head_dim"] = Shape.HeadDim,
            ["vocab_size"] = Shape.Vocab,
            ["tie_word_embeddings"] = Shape.TiedEmbeddings,
            ["torch_dtype"] = "bfloat16",
            ["modelgate_synthetic_seed"] = Seed,
        };
        foreach (var (key, value) in Shape.ExtraConfig)
        {
            config[key] = value?.DeepClone();
        }

        File.WriteAllText(Path.Combine(folder, "config.json"), config.ToJsonString(new JsonSerializerOptions { WriteIndented = true }));
    }
}
