using System.Text.RegularExpressions;
using ModelGate.Core.Errors;
using ModelGate.Core.Tensors;

namespace ModelGate.Core.Adapters;

/// <summary>
/// A PEFT LoRA (or DoRA) adapter folder: <c>adapter_config.json</c> plus <c>adapter_model.safetensors</c>, read
/// the way PEFT's <c>set_peft_model_state_dict</c> reads it.
/// </summary>
public sealed partial class LoraAdapter : IDisposable
{
    public const string WeightsFileName = "adapter_model.safetensors";
    private const string PeftPrefix = "base_model.model.";

    private LoraAdapter(string folder, AdapterConfig config, SafetensorsFile weights, IReadOnlyList<LoraModule> modules,
        IReadOnlyDictionary<string, TensorInfo> replacements, IReadOnlyList<string> warnings, bool changesNothing)
    {
        Folder = folder;
        Config = config;
        Weights = weights;
        Modules = modules;
        Replacements = replacements;
        Warnings = warnings;
        ChangesNothing = changesNothing;
    }

    public string Folder { get; }
    public AdapterConfig Config { get; }
    public SafetensorsFile Weights { get; }

    /// <summary>The adapted modules, sorted by path.</summary>
    public IReadOnlyList<LoraModule> Modules { get; }

    /// <summary>
    /// Whole tensors the adapter replaces (<c>modules_to_save</c>, saved embedding layers), keyed by the base
    /// tensor name they replace.
    /// </summary>
    public IReadOnlyDictionary<string, TensorInfo> Replacements { get; }

    /// <summary>Things PEFT would silently skip (weights for modules the config does not target).</summary>
    public IReadOnlyList<string> Warnings { get; }

    /// <summary>
    /// Whether the update is numerically zero: LoRA modules only, each with B all zeros. DoRA's magnitude, a
    /// <c>lora_B.bias</c> or a replaced tensor can change the model even then, so those never count as nothing.
    /// </summary>
    public bool ChangesNothing { get; }

    public string Name => Path.GetFileName(Path.TrimEndingDirectorySeparator(Folder));

    private static bool IsZeroUpdate(SafetensorsFile weights, IReadOnlyList<LoraModule> modules, IReadOnlyDictionary<string, TensorInfo> replacements) =>
        modules.Count > 0 && replacements.Count == 0 &&
        modules.All(m => !m.IsDora && m.BBias is null && Array.TrueForAll(weights.ReadFloat32(m.B), v => v == 0));

    public static LoraAdapter Load(string folder)
    {
        if (!Directory.Exists(folder))
        {
            throw new UserInputException($"{folder}: adapter folder not found");
        }

        var weightsPath = Path.Combine(folder, WeightsFileName);
        if (!File.Exists(weightsPath))
        {
            if (File.Exists(Path.Combine(folder, "adapter_model.bin")))
            {
                throw new UserInputException(
                    $"{Path.Combine(folder, "adapter_model.bin")}: pickle checkpoints are not read (they can run code); convert with " +
                    "python -c \"import torch; from safetensors.torch import save_file; save_file(torch.load('adapter_model.bin'), 'adapter_model.safetensors')\"");
            }

            throw new UserInputException($"{folder}: no {WeightsFileName}");
        }

        var config = AdapterConfig.Load(folder);
        var weights = SafetensorsFile.Open(weightsPath);
        try
        {
            var (modules, replacements, warnings) = Interpret(config, weights);
            var changesNothing = IsZeroUpdate(weights, modules, replacements);
            if (changesNothing)
            {
                warnings = [.. warnings, $"{weightsPath}: every lora_B weight is zero, so this adapter changes nothing " +
                    "(saved before training? PEFT starts lora_B at zero): its count of 0 intruders says nothing about a trained adapter"];
            }

            return new LoraAdapter(folder, config, weights, modules, replacements, warnings, changesNothing);
        }
        catch
        {
            weights.Dispose();
            throw;
        }
    }

    private static (IReadOnlyList<LoraModule>, IReadOnlyDictionary<string, TensorInfo>, IReadOnlyList<string>) Interpret(
        AdapterConfig config, SafetensorsFile weights)
    {
        var parts = new SortedDictionary<string, Dictionary<string, TensorInfo>>(StringComparer.Ordinal);
        var replacements = new SortedDictionary<string, TensorInfo>(StringComparer.Ordinal);
        var adapterNames = new HashSet<string>(StringComparer.Ordinal);
        var warnings = new List<string>();
        var file = weights.Path;

        foreach (var t in weights.Tensors)
        {
            var key = t.Name.StartsWith(PeftPrefix, StringComparison.Ordinal) ? t.Name[PeftPrefix.Length..] : t.Name;
            var m = LoraKey().Match(key);
            if (m.Success)
            {
                var module = m.Groups["module"].Value;
                var part = m.Groups["part"].Value + (m.Groups["param"].Value == "bias" ? ".bias" : "");
                if (m.Groups["adapter"].Success)
                {
                    adapterNames.Add(m.Groups["adapter"].Value);
                }

                var slot = parts.TryGetValue(module, out var existing) ? existing : parts[module] = new Dictionary<string, TensorInfo>();
                if (!slot.TryAdd(part, t))
                {
                    ThrowIfSeveralAdapters(file, adapterNames);
                    throw new UserInputException($"{file}: tensor '{t.Name}' repeats {part} of module '{module}'");
                }

                continue;
            }

            var saved = ModulesToSaveKey().Match(key);
            if (saved.Success)
            {
                adapterNames.Add(saved.Groups["adapter"].Value);
                key = saved.Groups["module"].Value + "." + saved.Groups["param"].Value;
            }

            // modules_to_save layers and embedding layers (save_embedding_layers) come as plain tensors; the latter
            // under the LoRA wrapper's name, <module>.base_layer.weight.
            key = key.Replace(".base_layer.", ".", StringComparison.Ordinal);
            if (!replacements.TryAdd(key, t))
            {
                throw new UserInputException($"{file}: tensor '{t.Name}' replaces '{key}' a second time");
            }
        }

        ThrowIfSeveralAdapters(file, adapterNames);

        var modules = new List<LoraModule>();
        foreach (var (module, slot) in parts)
        {
            var built = BuildModule(config, file, module, slot);
            if (!config.Targets(module) && config.TargetModules is not null)
            {
                warnings.Add($"{file}: module '{module}' has LoRA weights but adapter_config.json does not target it (target_modules {config.TargetModules}); PEFT skips it, so does ModelGate");
                continue;
            }

            modules.Add(built);
        }

        if (modules.Count == 0 && replacements.Count == 0)
        {
            if (config.TargetModules is { } targets && parts.Count > 0 && !parts.Keys.Any(targets.Matches))
            {
                throw new UserInputException(
                    $"{config.SourcePath}: target_modules {targets} matches none of the {parts.Count} modules with LoRA weights in {file}; did you mean {string.Join(" or ", targets.Nearest(parts.Keys, 2).Select(n => $"'{n}'"))}?");
            }

            throw new UserInputException($"{file}: no LoRA weights (keys ending in lora_A.weight / lora_B.weight)");
        }

        return (modules, replacements, warnings);
    }

    private static void ThrowIfSeveralAdapters(string file, HashSet<string> adapterNames)
    {
        if (adapterNames.Count > 1)
        {
            throw new UserInputException(
                $"{file}: holds several adapters ({string.Join(", ", adapterNames.Order())}); save each with save_pretrained into its own folder");
        }
    }

    private static LoraModule BuildModule(AdapterConfig config, string file, string module, Dictionary<string, TensorInfo> slot)
    {
        var isEmbedding = slot.ContainsKey("lora_embedding_A") || slot.ContainsKey("lora_embedding_B");
        var (aKey, bKey) = isEmbedding ? ("lora_embedding_A", "lora_embedding_B") : ("lora_A", "lora_B");
        if (!slot.TryGetValue(aKey, out var a) || !slot.TryGetValue(bKey, out var b))
        {
            throw new UserInputException($"{file}: module '{module}' has {(slot.ContainsKey(aKey) ? bKey : aKey)} missing ({string.Join(", ", slot.Keys.Order())} present)");
        }

        if (a.Shape.Length != 2 || b.Shape.Length != 2)
        {
            throw new UserInputException($"{file}: tensors '{a.Name}' {Shape(a)} and '{b.Name}' {Shape(b)} must both be 2-D");
        }

        if (a.Shape[0] != b.Shape[1])
        {
            throw new UserInputException($"{file}: rank mismatch in module '{module}': '{a.Name}' is {Shape(a)} but '{b.Name}' is {Shape(b)}");
        }

        var rank = checked((int)a.Shape[0]);
        var configRank = config.RankFor(module);
        if (rank != configRank)
        {
            throw new UserInputException(
                $"{file}: module '{module}' has rank {rank} ('{a.Name}' is {Shape(a)}) but {AdapterConfig.FileName} gives it r={configRank} (r / rank_pattern)");
        }

        slot.TryGetValue("lora_magnitude_vector", out var magnitude);
        if (magnitude is not null)
        {
            if (!config.UseDora)
            {
                throw new UserInputException($"{file}: '{magnitude.Name}' is a DoRA magnitude but {AdapterConfig.FileName} has use_dora false");
            }

            if (isEmbedding)
            {
                throw new UserInputException($"{file}: DoRA on embedding module '{module}' is not supported");
            }

            if (magnitude.Shape.Length != 1 || magnitude.Shape[0] != b.Shape[0])
            {
                throw new UserInputException($"{file}: '{magnitude.Name}' is {Shape(magnitude)}, expected [{b.Shape[0]}] (one magnitude per output feature)");
            }
        }
        else if (config.UseDora && !isEmbedding)
        {
            throw new UserInputException($"{file}: {AdapterConfig.FileName} has use_dora true but module '{module}' has no lora_magnitude_vector");
        }

        slot.TryGetValue("lora_B.bias", out var bias);
        if (bias is not null && (bias.Shape.Length != 1 || bias.Shape[0] != b.Shape[0]))
        {
            throw new UserInputException($"{file}: '{bias.Name}' is {Shape(bias)}, expected [{b.Shape[0]}]");
        }

        var unknown = slot.Keys.Except([aKey, bKey, "lora_magnitude_vector", "lora_B.bias"]).ToArray();
        if (unknown.Length > 0)
        {
            throw new UserInputException($"{file}: module '{module}' has {string.Join(", ", unknown)}, which a LoRA adapter does not have");
        }

        return new LoraModule
        {
            ModulePath = module,
            Kind = isEmbedding ? LoraModuleKind.Embedding : LoraModuleKind.Linear,
            A = a,
            B = b,
            BBias = bias,
            Magnitude = magnitude,
            Rank = rank,
            Alpha = config.AlphaFor(module),
            Scale = config.ScaleFor(module),
            FanInFanOut = config.FanInFanOut && !isEmbedding,
        };
    }

    public static string Shape(TensorInfo t) => "[" + string.Join(", ", t.Shape) + "]";

    public void Dispose() => Weights.Dispose();

    // <module>.lora_A.weight, <module>.lora_A.<adapter>.weight, <module>.lora_B.bias, <module>.lora_embedding_A[.<adapter>],
    // <module>.lora_magnitude_vector[.weight | .<adapter>.weight]
    [GeneratedRegex(@"^(?<module>.+?)\.(?<part>lora_A|lora_B|lora_embedding_A|lora_embedding_B|lora_magnitude_vector)(?:\.(?<adapter>(?!weight$|bias$)[^.]+))?(?:\.(?<param>weight|bias))?$", RegexOptions.CultureInvariant)]
    private static partial Regex LoraKey();

    [GeneratedRegex(@"^(?<module>.+?)\.modules_to_save\.(?<adapter>[^.]+)\.(?<param>.+)$", RegexOptions.CultureInvariant)]
    private static partial Regex ModulesToSaveKey();
}
