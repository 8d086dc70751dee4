using System.Text.Json;
using ModelGate.Core.Errors;
using ModelGate.Core.IO;

namespace ModelGate.Core.Adapters;

/// <summary>
/// The fields of PEFT's <c>adapter_config.json</c> that decide how a LoRA adapter merges. PEFT writes many more
/// fields (and adds some with each release); those are accepted and ignored.
/// </summary>
public sealed class AdapterConfig
{
    public const string FileName = "adapter_config.json";
    private const long MaxConfigBytes = BoundedFile.ConfigLimit;

    public required string SourcePath { get; init; }
    public required int R { get; init; }
    public required double LoraAlpha { get; init; }
    public bool UseRslora { get; init; }
    public bool UseDora { get; init; }
    public bool FanInFanOut { get; init; }
    public bool LoraBias { get; init; }
    public TargetModules? TargetModules { get; init; }
    public TargetModules? ExcludeModules { get; init; }
    public IReadOnlyDictionary<string, int> RankPattern { get; init; } = new Dictionary<string, int>();
    public IReadOnlyDictionary<string, double> AlphaPattern { get; init; } = new Dictionary<string, double>();
    public IReadOnlyList<string> ModulesToSave { get; init; } = [];
    public IReadOnlyList<int>? LayersToTransform { get; init; }
    public IReadOnlyList<string> LayersPattern { get; init; } = [];

    /// <summary>The base the adapter was made on, as PEFT wrote it: a Hub id or the local path it was loaded from.</summary>
    public string? BaseModelNameOrPath { get; init; }

    /// <summary>The Hub revision of that base, when the adapter was made with one (PEFT writes <c>revision</c>).</summary>
    public string? Revision { get; init; }

    /// <summary>The rank PEFT gives this module: the first matching <c>rank_pattern</c> key, else <c>r</c>.</summary>
    public int RankFor(string modulePath) =>
        FirstPatternMatch("rank_pattern", RankPattern.Keys, modulePath) is { } key ? RankPattern[key] : R;

    /// <summary>The alpha PEFT gives this module: the first matching <c>alpha_pattern</c> key, else <c>lora_alpha</c>.</summary>
    public double AlphaFor(string modulePath) =>
        FirstPatternMatch("alpha_pattern", AlphaPattern.Keys, modulePath) is { } key ? AlphaPattern[key] : LoraAlpha;

    /// <summary>
    /// The factor PEFT multiplies B·A by: alpha / r, or alpha / √r with rsLoRA (Kalajdzievski 2023;
    /// <c>peft/tuners/lora/layer.py: update_layer</c>). Computed in double, as Python does, then used in float32.
    /// </summary>
    public double ScaleFor(string modulePath)
    {
        var r = RankFor(modulePath);
        var alpha = AlphaFor(modulePath);
        return UseRslora ? alpha / Math.Sqrt(r) : alpha / r;
    }

    /// <summary>Whether PEFT would wrap this module with LoRA given the config (target, exclude, layer filters).</summary>
    public bool Targets(string modulePath)
    {
        if (ExcludeModules is not null && ExcludeModules.Matches(modulePath))
        {
            return false;
        }

        if (TargetModules is null || !TargetModules.Matches(modulePath))
        {
            return false;
        }

        // PEFT applies layers_to_transform only with a list of target names, not with a regex.
        if (LayersToTransform is null || LayersToTransform.Count == 0 || TargetModules.Pattern is not null)
        {
            return true;
        }

        var layer = LayerIndex.Find(modulePath, LayersPattern);
        return layer is not null && LayersToTransform.Contains(layer.Value);
    }

    private string? FirstPatternMatch(string field, IEnumerable<string> keys, string modulePath) =>
        keys.FirstOrDefault(k => PythonRegex.PatternKey(k, $"{SourcePath}: {field} key").IsMatch(modulePath));

    /// <summary>Reads and validates <c>adapter_config.json</c> in <paramref name="adapterFolder"/>.</summary>
    public static AdapterConfig Load(string adapterFolder)
    {
        var path = Path.Combine(adapterFolder, FileName);
        if (!File.Exists(path))
        {
            throw new UserInputException($"{adapterFolder}: no {FileName}; a PEFT adapter folder holds {FileName} and adapter_model.safetensors");
        }

        JsonDocument doc;
        try
        {
            doc = JsonDocument.Parse(BoundedFile.ReadAllBytes(path, MaxConfigBytes, "adapter config"), new JsonDocumentOptions { MaxDepth = 16 });
        }
        catch (JsonException e)
        {
            throw new UserInputException($"{path}: not valid JSON ({e.Message})");
        }

        using (doc)
        {
            if (JsonStrings.FindUnreadable(doc.RootElement) is { } unreadable)
            {
                throw new UserInputException($"{path}: {JsonStrings.Describe(unreadable)}");
            }

            return Parse(doc.RootElement, path);
        }
    }

    internal static AdapterConfig Parse(JsonElement root, string path)
    {
        var f = new Fields(root, path);
        if (root.ValueKind != JsonValueKind.Object)
        {
            throw new UserInputException($"{path}: expected a JSON object");
        }

        var peftType = f.String("peft_type");
        if (peftType is not null && !peftType.Equals("LORA", StringComparison.OrdinalIgnoreCase))
        {
            throw new UserInputException($"{path}: peft_type is '{peftType}'; ModelGate reads LoRA adapters (peft_type LORA, DoRA included)");
        }

        if (f.Has("target_parameters") && root.GetProperty("target_parameters").ValueKind != JsonValueKind.Null)
        {
            throw new UserInputException($"{path}: target_parameters (LoRA on raw parameters, e.g. MoE experts) is not supported yet");
        }

        var r = f.Int("r") ?? throw new UserInputException($"{path}: field 'r' is missing");
        if (r <= 0)
        {
            throw new UserInputException($"{path}: field 'r' must be a positive integer, got {r}");
        }

        RefuseResidualBaseInit(f.InitLoraWeights(), path);

        var rankPattern = f.Map("rank_pattern", (e, key) => f.PositiveInt(e, "rank_pattern." + key));
        var alphaPattern = f.Map("alpha_pattern", (e, key) => f.Number(e, "alpha_pattern." + key));

        return new AdapterConfig
        {
            SourcePath = path,
            R = r,
            LoraAlpha = f.Double("lora_alpha") ?? 8,
            UseRslora = f.Bool("use_rslora") ?? false,
            UseDora = f.Bool("use_dora") ?? false,
            FanInFanOut = f.Bool("fan_in_fan_out") ?? false,
            LoraBias = f.Bool("lora_bias") ?? false,
            TargetModules = f.Modules("target_modules"),
            ExcludeModules = f.Modules("exclude_modules"),
            RankPattern = rankPattern,
            AlphaPattern = alphaPattern,
            ModulesToSave = f.StringList("modules_to_save") ?? [],
            LayersToTransform = f.IntOrIntList("layers_to_transform"),
            LayersPattern = f.StringList("layers_pattern") ?? (f.String("layers_pattern") is { } lp ? [lp] : []),
            BaseModelNameOrPath = f.String("base_model_name_or_path"),
            Revision = f.String("revision"),
        };
    }

    /// <summary>
    /// PiSSA, OLoRA and CorDA initialise the adapter from the base's own singular vectors (LoftQ from its quantization
    /// error, LoRA-GA from its gradients) and subtract that start from the base weights: what training saved is an
    /// update to that residual base, and merged into the base given it is simply wrong (PEFT's lora/config.py,
    /// init_lora_weights). PEFT turns it into a plain LoRA of rank 2r when saved with
    /// <c>path_initial_model_for_weight_conversion</c>, and then writes <c>init_lora_weights: true</c>
    /// (peft_model.py, save_pretrained). Analysing the unconverted adapter would count intruders of a different model.
    /// </summary>
    private static void RefuseResidualBaseInit(string? init, string path)
    {
        if (init is null)
        {
            return;
        }

        var method = init.ToLowerInvariant() switch
        {
            var v when v == "pissa" || v.StartsWith("pissa_niter_", StringComparison.Ordinal) => "PiSSA",
            "olora" => "OLoRA",
            "corda" => "CorDA",
            "loftq" => "LoftQ",
            "lora_ga" or "loraga" or "lora-ga" => "LoRA-GA",
            _ => null,
        };
        if (method is null)
        {
            return;
        }

        throw new UserInputException(
            $"{path}: init_lora_weights is '{init}': {method} changed the base weights when the adapter was created, so this adapter only fits that changed base, not the base it names; " +
            (method == "LoftQ"
                ? "a LoftQ adapter cannot be converted: gate it with the quantized base it was trained on"
                : "save it converted to a plain LoRA with save_pretrained(..., path_initial_model_for_weight_conversion=<the adapter as initialised, before training>)"));
    }

    /// <summary>Typed access to optional JSON fields, with errors that name the file and the field.</summary>
    private sealed class Fields(JsonElement root, string path)
    {
        public bool Has(string name) => root.ValueKind == JsonValueKind.Object && root.TryGetProperty(name, out _);

        private JsonElement? Get(string name) =>
            root.TryGetProperty(name, out var e) && e.ValueKind != JsonValueKind.Null ? e : null;

        private UserInputException Bad(string field, string expected, JsonElement e) =>
            new($"{path}: field '{field}' must be {expected}, got {Shorten(e.GetRawText())}");

        private static string Shorten(string s) => s.Length <= 60 ? s : s[..57] + "...";

        public string? String(string name) => Get(name) is not { } e ? null
            : e.ValueKind == JsonValueKind.String ? e.GetString() : throw Bad(name, "a string", e);

        public bool? Bool(string name) => Get(name) is not { } e ? null
            : e.ValueKind is JsonValueKind.True or JsonValueKind.False ? e.GetBoolean() : throw Bad(name, "true or false", e);

        public int? Int(string name) => Get(name) is not { } e ? null : IntValue(e, name);

        /// <summary>PEFT's init_lora_weights: true/false or the name of an initialisation; the name, or null for a boolean.</summary>
        public string? InitLoraWeights() => Get("init_lora_weights") is not { } e ? null
            : e.ValueKind is JsonValueKind.True or JsonValueKind.False ? null
            : e.ValueKind == JsonValueKind.String ? e.GetString() : throw Bad("init_lora_weights", "true, false or the name of an initialisation", e);

        public double? Double(string name) => Get(name) is not { } e ? null : Number(e, name);

        public double Number(JsonElement e, string field) =>
            e.ValueKind == JsonValueKind.Number && e.TryGetDouble(out var d) && double.IsFinite(d) ? d : throw Bad(field, "a number", e);

        public int PositiveInt(JsonElement e, string field) =>
            IntValue(e, field) is var v && v > 0 ? v : throw Bad(field, "a positive integer", e);

        private int IntValue(JsonElement e, string field)
        {
            if (e.ValueKind == JsonValueKind.Number && e.TryGetInt32(out var i))
            {
                return i;
            }

            // PEFT configs written from Python sometimes carry 8.0 for an int.
            if (e.ValueKind == JsonValueKind.Number && e.TryGetDouble(out var d) && d == Math.Floor(d) && Math.Abs(d) < int.MaxValue)
            {
                return (int)d;
            }

            throw Bad(field, "an integer", e);
        }

        public IReadOnlyList<string>? StringList(string name)
        {
            if (Get(name) is not { } e || e.ValueKind == JsonValueKind.String)
            {
                return null;
            }

            if (e.ValueKind != JsonValueKind.Array)
            {
                throw Bad(name, "a list of strings", e);
            }

            return e.EnumerateArray()
                .Select(x => x.ValueKind == JsonValueKind.String ? x.GetString()! : throw Bad(name, "a list of strings", e))
                .ToArray();
        }

        public IReadOnlyList<int>? IntOrIntList(string name)
        {
            if (Get(name) is not { } e)
            {
                return null;
            }

            return e.ValueKind == JsonValueKind.Array
                ? e.EnumerateArray().Select(x => IntValue(x, name)).ToArray()
                : [IntValue(e, name)];
        }

        public TargetModules? Modules(string name)
        {
            if (Get(name) is not { } e)
            {
                return null;
            }

            if (e.ValueKind == JsonValueKind.String)
            {
                try
                {
                    return TargetModules.FromPattern(e.GetString()!, $"{path}: {name}");
                }
                catch (ArgumentException ex)
                {
                    throw new UserInputException($"{path}: field '{name}' is not a valid regular expression ({ex.Message})");
                }
            }

            return TargetModules.FromList(StringList(name)!);
        }

        public IReadOnlyDictionary<string, T> Map<T>(string name, Func<JsonElement, string, T> value)
        {
            var result = new Dictionary<string, T>(StringComparer.Ordinal);
            if (Get(name) is not { } e)
            {
                return result;
            }

            if (e.ValueKind != JsonValueKind.Object)
            {
                throw Bad(name, "an object", e);
            }

            foreach (var p in e.EnumerateObject())
            {
                try
                {
                    _ = PythonRegex.PatternKey(p.Name, path);
                }
                catch (ArgumentException ex)
                {
                    throw new UserInputException($"{path}: key '{p.Name}' of '{name}' is not a valid regular expression ({ex.Message})");
                }

                result[p.Name] = value(p.Value, p.Name);
            }

            return result;
        }
    }
}
