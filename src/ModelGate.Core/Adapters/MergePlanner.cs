using ModelGate.Core.Errors;
using ModelGate.Core.Tensors;

namespace ModelGate.Core.Adapters;

/// <summary>
/// Matches every adapter tensor to the base tensor it changes and checks the shapes, before any arithmetic,
/// so that a mismatched adapter fails at once with the module and both shapes named.
/// </summary>
public static class MergePlanner
{
    private const int ShownNames = 3;

    public static IReadOnlyList<TensorUpdate> Plan(ModelWeights baseWeights, IReadOnlyList<LoraAdapter> adapters)
    {
        var edits = new Dictionary<string, List<TensorEdit>>(StringComparer.Ordinal);
        var layouts = new Dictionary<string, MatrixLayout>(StringComparer.Ordinal);

        // Only LoRA factors say how a weight is stored (fan_in_fan_out); a whole-tensor replacement is layout-neutral.
        void Add(string tensor, TensorEdit edit, MatrixLayout? layout)
        {
            if (layout is { } l)
            {
                if (layouts.TryGetValue(tensor, out var existing) && existing != l)
                {
                    throw new UserInputException(
                        $"{edit.Adapter.Folder}: '{tensor}' is fan_in_fan_out in one adapter and not in another; they cannot both be right for one base");
                }

                layouts[tensor] = l;
            }

            (edits.TryGetValue(tensor, out var list) ? list : edits[tensor] = []).Add(edit);
        }

        foreach (var adapter in adapters)
        {
            RefuseUnmatched(baseWeights, adapter);

            // A saved base layer (embeddings saved with save_embedding_layers) replaces the weight before the
            // adapter's own LoRA applies on top of it, as PEFT loads it.
            foreach (var (key, source) in adapter.Replacements)
            {
                var target = ResolveTensor(baseWeights, adapter, key);
                if (!target.Shape.SequenceEqual(source.Shape))
                {
                    throw new UserInputException(
                        $"{adapter.Weights.Path}: '{source.Name}' is {LoraAdapter.Shape(source)} but base tensor '{target.Name}' is {LoraAdapter.Shape(target)}" +
                        (key.Contains("embed", StringComparison.OrdinalIgnoreCase) || key.Contains("lm_head", StringComparison.Ordinal)
                            ? " (was the vocabulary resized? merge onto a base with the resized embeddings)"
                            : ""));
                }

                Add(target.Name, new TensorEdit.Replace(adapter, source), null);
            }

            foreach (var module in adapter.Modules)
            {
                var weight = Resolve(baseWeights, adapter, module.ModulePath, "weight");
                CheckShape(baseWeights, adapter, module, weight);
                Add(weight.Name, new TensorEdit.Lora(adapter, module), module.FanInFanOut ? MatrixLayout.Transposed : MatrixLayout.AsStored);
                if (module.BBias is not null)
                {
                    var bias = Resolve(baseWeights, adapter, module.ModulePath, "bias");
                    if (bias.Shape.Length != 1 || bias.Shape[0] != module.OutFeatures)
                    {
                        throw new UserInputException($"{adapter.Weights.Path}: '{module.BBias.Name}' has {module.OutFeatures} entries but base bias '{bias.Name}' is {LoraAdapter.Shape(bias)}");
                    }

                    Add(bias.Name, new TensorEdit.LoraBias(adapter, module), MatrixLayout.AsStored);
                }
            }
        }

        // A weight only replaced (modules_to_save) is stored as the model stores its linear layers.
        var modelLayout = new Lazy<MatrixLayout>(() => LinearWeights.LayoutOf(baseWeights.Folder));
        MatrixLayout LayoutOf(TensorInfo t) =>
            layouts.TryGetValue(t.Name, out var l) ? l : LinearWeights.IsLinear(t) ? modelLayout.Value : MatrixLayout.AsStored;

        return edits
            .OrderBy(e => e.Key, StringComparer.Ordinal)
            .Select(e => baseWeights.Get(e.Key))
            .Select(t => new TensorUpdate(t.Name, t, LayoutOf(t), edits[t.Name]))
            .ToArray();
    }

    private static void CheckShape(ModelWeights baseWeights, LoraAdapter adapter, LoraModule module, TensorInfo weight)
    {
        long[] expected = module.Kind == LoraModuleKind.Embedding || module.FanInFanOut
            ? [module.InFeatures, module.OutFeatures]
            : [module.OutFeatures, module.InFeatures];
        if (!weight.Shape.SequenceEqual(expected))
        {
            var hint = weight.Shape.Length == 2 && weight.Shape.Reverse().SequenceEqual(expected)
                ? module.FanInFanOut ? " (fan_in_fan_out is true, but the base stores this weight out × in)" : " (the base stores this weight in × out: was fan_in_fan_out forgotten?)"
                : "";
            throw new UserInputException(
                $"{adapter.Weights.Path}: module '{module.ModulePath}' (rank {module.Rank}) makes a {LoraAdapter.Shape(module.A)}·{LoraAdapter.Shape(module.B)} update of shape [{string.Join(", ", expected)}], but base tensor '{weight.Name}' in {baseWeights.Folder} is {LoraAdapter.Shape(weight)}{hint}");
        }
    }

    /// <summary>
    /// Every module the adapter changes must be in the base before anything is planned: an adapter made for another
    /// model would otherwise be judged by the modules that happen to share a name, and a gate would pass what it never
    /// looked at. One line names how many match nothing, the first few, and the base's modules nearest to them.
    /// </summary>
    private static void RefuseUnmatched(ModelWeights baseWeights, LoraAdapter adapter)
    {
        // A LoRA module changes <module>.weight (its DoRA magnitude and lora_B.bias go with it, not to a tensor of
        // their own); a modules_to_save or saved embedding layer replaces the base tensor of the same name.
        var changed = adapter.Modules.Select(m => (Module: m.ModulePath, Tensor: m.ModulePath + ".weight"))
            .Concat(adapter.Replacements.Keys.Select(k => (Module: ModuleOf(k), Tensor: k)))
            .ToArray();
        var unmatched = changed.Where(c => Candidates(baseWeights, c.Tensor).Length == 0).Select(c => c.Module).Distinct(StringComparer.Ordinal).ToArray();
        if (unmatched.Length == 0)
        {
            return;
        }

        var shown = unmatched.Take(ShownNames).ToArray();
        var more = unmatched.Length > shown.Length ? $" and {unmatched.Length - shown.Length} more" : "";
        var nearest = NearestNames.Of(shown, baseWeights.Tensors.Select(t => ModuleOf(t.Name)), ShownNames);
        var modules = changed.Select(c => c.Module).Distinct(StringComparer.Ordinal).Count();
        throw new UserInputException(
            $"{adapter.Weights.Path}: {unmatched.Length} of the {modules} modules it changes match no tensor of base model {baseWeights.Folder} " +
            $"({string.Join(", ", shown.Select(n => $"'{n}'"))}{more}); the base's nearest are {string.Join(", ", nearest.Select(n => $"'{n}'"))}: " +
            (TiedHeadHint(baseWeights, unmatched) ?? "is this the adapter's base model?"));
    }

    /// <summary>
    /// A base that ties its output head to the input embeddings stores no lm_head weight; an adapter that changes
    /// lm_head has nothing to merge into there (PEFT's own merges break on it: peft #1035, #1300).
    /// </summary>
    private static string? TiedHeadHint(ModelWeights baseWeights, IReadOnlyList<string> unmatched) =>
        unmatched.Any(m => m == "lm_head" || m.EndsWith(".lm_head", StringComparison.Ordinal)) &&
        !baseWeights.Tensors.Any(t => t.Name.Contains("lm_head", StringComparison.Ordinal))
            ? "this base stores no lm_head weight (it ties lm_head to its input embeddings), so a change to lm_head has no tensor of its own to go to; gate it with an untied base"
            : null;

    private static string ModuleOf(string tensorName) =>
        tensorName.LastIndexOf('.') is var dot and > 0 ? tensorName[..dot] : tensorName;

    private static TensorInfo Resolve(ModelWeights baseWeights, LoraAdapter adapter, string modulePath, string parameter) =>
        ResolveTensor(baseWeights, adapter, modulePath + "." + parameter);

    private static TensorInfo ResolveTensor(ModelWeights baseWeights, LoraAdapter adapter, string name)
    {
        var found = Candidates(baseWeights, name);
        if (found.Length == 1)
        {
            return found[0];
        }

        throw new UserInputException(
            $"{adapter.Weights.Path}: the adapter changes '{name}', which base model {baseWeights.Folder} does not have" +
            (found.Length > 1 ? $" (ambiguous: {string.Join(", ", found.Select(t => t.Name))})" : " (is this the adapter's base model?)"));
    }

    /// <summary>
    /// The adapter's names are the PEFT model's module paths (e.g. <c>model.layers.0.self_attn.q_proj</c>); a base
    /// checkpoint saved from the bare backbone lacks the leading <c>model.</c>, and one saved with a task head may
    /// carry an extra prefix. Accept either; it resolves only when exactly one tensor fits.
    /// </summary>
    private static TensorInfo[] Candidates(ModelWeights baseWeights, string name)
    {
        if (baseWeights.TryGet(name, out var exact))
        {
            return [exact];
        }

        var parts = name.Split('.');
        for (var skip = 1; skip < parts.Length - 1; skip++)
        {
            if (baseWeights.TryGet(string.Join('.', parts[skip..]), out var shorter))
            {
                return [shorter];
            }
        }

        return baseWeights.Tensors.Where(t => t.Name.EndsWith("." + name, StringComparison.Ordinal)).ToArray();
    }
}
