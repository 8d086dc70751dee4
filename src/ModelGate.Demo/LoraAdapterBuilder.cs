using System.Text.Json;
using System.Text.Json.Nodes;
using ModelGate.Core.Adapters;
using ModelGate.Core.Tensors;
using ModelGate.Torch.Runtime;
using static TorchSharp.torch;

namespace ModelGate.Demo;

/// <summary>
/// Writes a PEFT LoRA adapter folder (adapter_config.json + adapter_model.safetensors, PEFT's key names) for a
/// base model folder, with intruder dimensions planted in chosen modules: each planted direction is spread
/// evenly over the base's left singular vectors (|cos| ≈ 1/√m with all of them) and carries a singular value ten
/// times the base's largest, so it ranks first and is an intruder at any ε above ~1/√m + 0.1.
/// </summary>
public sealed class LoraAdapterBuilder
{
    private readonly List<(string Module, PlantedUpdate Kind, int Count)> _modules = [];

    public int Rank { get; init; } = 8;
    public double Alpha { get; init; } = 16;
    public bool UseRslora { get; init; }
    public bool UseDora { get; init; }

    /// <summary>Writes keys as <c>lora_A.&lt;name&gt;.weight</c> (older PEFT, multi-adapter state dicts) instead of <c>lora_A.weight</c>.</summary>
    public string? AdapterNameInKeys { get; init; }

    public IReadOnlyDictionary<string, int> RankPattern { get; init; } = new Dictionary<string, int>();
    public IReadOnlyDictionary<string, double> AlphaPattern { get; init; } = new Dictionary<string, double>();
    public ulong Seed { get; init; } = 7;

    /// <summary>Plants <paramref name="count"/> intruders (at most the module's rank) in <paramref name="module"/>.</summary>
    public LoraAdapterBuilder WithIntruders(string module, int count)
    {
        _modules.Add((module, PlantedUpdate.Intruders, count));
        return this;
    }

    public LoraAdapterBuilder WithAlignedUpdate(string module)
    {
        _modules.Add((module, PlantedUpdate.Aligned, 0));
        return this;
    }

    public LoraAdapterBuilder WithRandomUpdate(string module)
    {
        _modules.Add((module, PlantedUpdate.Random, 0));
        return this;
    }

    /// <summary>The planted intruder count per base tensor name.</summary>
    public IReadOnlyDictionary<string, int> PlantedIntruders =>
        _modules.ToDictionary(m => m.Module + ".weight", m => m.Kind == PlantedUpdate.Intruders ? m.Count : 0);

    public string Build(string baseFolder, string adapterFolder)
    {
        var config = new AdapterConfig
        {
            SourcePath = adapterFolder,
            R = Rank,
            LoraAlpha = Alpha,
            UseRslora = UseRslora,
            RankPattern = RankPattern,
            AlphaPattern = AlphaPattern,
        };

        var specs = new List<TensorSpec>();
        var values = new List<float[]>();
        using (var weights = ModelWeights.Open(baseFolder))
        {
            foreach (var (module, kind, count) in _modules)
            {
                using var scope = NewDisposeScope();
                var info = weights.Get(module + ".weight");
                var w0 = tensor(weights.ReadFloat32(info), info.Shape, ScalarType.Float32).to_type(ScalarType.Float64);
                var rank = config.RankFor(module);
                var scale = config.ScaleFor(module);
                if (count > rank)
                {
                    throw new ArgumentException($"{module}: cannot plant {count} intruders with rank {rank}");
                }

                var (b, a) = Factors(DeterministicRandom.For(Seed, module), w0, kind, count, rank);
                b /= scale; // PEFT multiplies B·A by the scale on merge; plant the intended update exactly.

                var keyBase = "base_model.model." + module;
                var suffix = AdapterNameInKeys is null ? ".weight" : "." + AdapterNameInKeys + ".weight";
                specs.Add(new TensorSpec(keyBase + ".lora_A" + suffix, TensorDType.F32, a.shape));
                values.Add(TorchTensors.ToArray(a));
                specs.Add(new TensorSpec(keyBase + ".lora_B" + suffix, TensorDType.F32, b.shape));
                values.Add(TorchTensors.ToArray(b));
                if (UseDora)
                {
                    // A trained magnitude near the norms DoRA starts from (‖W0 + s·B·A‖ per output row).
                    var magnitude = linalg.vector_norm(w0 + b.matmul(a) * scale, 2, [1]) * 1.05;
                    specs.Add(new TensorSpec(keyBase + ".lora_magnitude_vector" + (AdapterNameInKeys is null ? "" : suffix), TensorDType.F32, magnitude.shape));
                    values.Add(TorchTensors.ToArray(magnitude));
                }
            }
        }

        Directory.CreateDirectory(adapterFolder);
        using (var writer = SafetensorsWriter.Create(Path.Combine(adapterFolder, LoraAdapter.WeightsFileName), specs,
                   new Dictionary<string, string> { ["format"] = "pt" }))
        {
            for (var i = 0; i < specs.Count; i++)
            {
                writer.WriteTensorFloat32(specs[i].Name, values[i]);
            }

            writer.Commit();
        }

        WriteConfig(adapterFolder, baseFolder);
        return adapterFolder;
    }

    private static (Tensor B, Tensor A) Factors(DeterministicRandom rng, Tensor w0, PlantedUpdate kind, int count, int rank)
    {
        var (u0, s0, vh0) = linalg.svd(w0, fullMatrices: true);
        var v0 = vh0.t();
        var rows = w0.shape[0];
        var cols = w0.shape[1];
        if (kind == PlantedUpdate.Random)
        {
            var sMax = s0[0].item<double>();
            var b = tensor(rng.Gaussian(rows * rank), [rows, rank], ScalarType.Float64) * (0.02 * sMax);
            var a = tensor(rng.Gaussian(rank * cols), [rank, cols], ScalarType.Float64) / Math.Sqrt(cols);
            return (b, a);
        }

        var planted = kind == PlantedUpdate.Intruders ? count : 0;
        var farU = planted > 0 ? SyntheticMath.SpreadDirections(rng, u0, planted) : null;
        var farV = planted > 0 ? SyntheticMath.SpreadDirections(rng, v0, planted) : null;
        return PlantedFactors.Build(u0, s0, v0, farU, farV, planted, rank);
    }

    private void WriteConfig(string adapterFolder, string baseFolder)
    {
        var config = new JsonObject
        {
            ["peft_type"] = "LORA",
            ["task_type"] = "CAUSAL_LM",
            ["base_model_name_or_path"] = Path.GetFullPath(baseFolder),
            ["r"] = Rank,
            ["lora_alpha"] = Alpha,
            ["lora_dropout"] = 0.0,
            ["use_rslora"] = UseRslora,
            ["use_dora"] = UseDora,
            ["fan_in_fan_out"] = false,
            ["bias"] = "none",
            ["target_modules"] = new JsonArray(_modules.Select(m => (JsonNode)JsonValue.Create(m.Module)!).ToArray()),
            ["rank_pattern"] = new JsonObject(RankPattern.Select(p => KeyValuePair.Create(p.Key, (JsonNode?)p.Value))),
            ["alpha_pattern"] = new JsonObject(AlphaPattern.Select(p => KeyValuePair.Create(p.Key, (JsonNode?)p.Value))),
            ["modules_to_save"] = null,
            ["inference_mode"] = true,
        };
        File.WriteAllText(Path.Combine(adapterFolder, AdapterConfig.FileName),
            config.ToJsonString(new JsonSerializerOptions { WriteIndented = true }));
    }
}
