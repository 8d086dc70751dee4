using System.Text.Json;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using Microsoft.Extensions.Logging;
using ModelGate.Core;
using ModelGate.Core.Adapters;
using ModelGate.Core.Errors;
using ModelGate.Core.IO;
using ModelGate.Core.Repair;
using ModelGate.Core.Spectral;
using ModelGate.Core.Tensors;
using ModelGate.Torch.Merging;
using ModelGate.Torch.Runtime;
using ModelGate.Torch.Spectral;
using static TorchSharp.torch;

namespace ModelGate.Torch.Repair;

/// <summary>
/// The paper's repair (Shuttleworth et al., §6): scale the singular values of a module's intruder dimensions by λ.
/// Unlike PEFT's <c>reduce_intruder_dimension</c>, which re-truncates the result to the old rank (lossy), the edit is
/// written exactly: ΔW' = ΔW − (1−λ)·Σⱼ σⱼ·uⱼ·vⱼᵀ = B'·A' with B' = [s·B, −(1−λ)·U_I·Σ_I] and A' = [A; V_Iᵀ], rank
/// r + #intruders, and a per-module rank_pattern / alpha_pattern that makes PEFT's scale exactly 1 for that module.
/// </summary>
public sealed class AdapterMitigator(IntruderAnalyzer analyzer, ILogger<AdapterMitigator> logger)
{
    public async Task<MitigationResult> MitigateAsync(string baseFolder, string adapterFolder, string? outputFolder, MitigationSettings settings, string device,
        IProgress<WorkProgress>? progress, CancellationToken cancellationToken)
    {
        settings.Validate();
        if (!settings.DryRun && string.IsNullOrEmpty(outputFolder))
        {
            throw new UserInputException(InputField.Output, "missing: give the folder for the repaired adapter, or make it a dry run");
        }

        new OutputGuard()
            .Reads(baseFolder, "the base model folder")
            .Reads(adapterFolder, "the adapter folder")
            .WritesFolder(settings.DryRun ? null : outputFolder, InputField.Output.Words)
            .Check();

        var before = await analyzer.AnalyzeAdaptersAsync(baseFolder, [adapterFolder], settings.Analysis, device, progress, cancellationToken);
        var torchDevice = TorchDeviceSelector.Select(device);
        using var baseWeights = await ModelWeights.OpenAsync(baseFolder, cancellationToken);
        using var adapter = LoraAdapter.Load(adapterFolder);
        if (adapter.Modules.Any(m => m.IsDora))
        {
            throw new UserInputException($"{adapterFolder}: a DoRA adapter's merged weight is not linear in B·A, so its intruders cannot be scaled exactly in LoRA factors; mitigate takes LoRA adapters");
        }

        var counted = before.Modules.ToDictionary(m => m.Name, StringComparer.Ordinal);
        var plan = MergePlanner.Plan(baseWeights, [adapter]).Where(u => u.IsMatrix && counted.ContainsKey(u.TensorName)).ToArray();
        var edits = new List<(ModuleMitigation Summary, LoraModule Module, float[] B, float[] A)>();
        foreach (var update in plan)
        {
            cancellationToken.ThrowIfCancellationRequested();
            var module = update.Edits.OfType<TensorEdit.Lora>().SingleOrDefault()?.Module;
            if (module is null || counted[update.TensorName].Intruders < settings.MinIntruders)
            {
                continue;
            }

            var lambda = settings.LambdaFor(module.ModulePath);
            using var fetched = await baseWeights.FetchAsync(update.Base, cancellationToken);
            // Nothing is awaited inside the scope: TorchSharp's scopes belong to the thread that opened them.
            using var scope = NewDisposeScope();
            var w0 = TorchTensors.LoadFloat32(baseWeights, update.Base, torchDevice);
            var wt = WeightMerger.ApplyChecked(w0, update, torchDevice);
            if (update.Layout == MatrixLayout.Transposed)
            {
                (w0, wt) = (w0.t(), wt.t());
            }

            var (summary, b, a) = Edit(update.TensorName, module, adapter, w0, wt, lambda, settings.Analysis);
            logger.LogDebug("{Module}: {Intruders} intruders scaled by {Lambda}", module.ModulePath, summary.Intruders, lambda);
            edits.Add((summary, module, b, a));
        }

        var summaries = edits.Select(e => e.Summary).ToArray();
        if (settings.DryRun)
        {
            return new MitigationResult(null, summaries, before, null);
        }

        var output = Path.GetFullPath(outputFolder!);
        StagedFolder.Write(output, settings.Force, staging => WriteAdapter(adapter, edits.Where(e => e.Summary.Changed).ToArray(), staging));
        var after = await analyzer.AnalyzeAdaptersAsync(baseFolder, [output], settings.Analysis, device, progress, cancellationToken);
        return new MitigationResult(output, summaries, before, after);
    }

    /// <summary>The intruders of Wt (float64 SVDs, the paper's definition) and the factors that scale them by λ.</summary>
    private static (ModuleMitigation Summary, float[] B, float[] A) Edit(string tensorName, LoraModule module, LoraAdapter adapter,
        Tensor w0, Tensor wt, double lambda, AnalysisSettings analysis)
    {
        var (u0, _, _) = linalg.svd(w0.to_type(ScalarType.Float64), fullMatrices: false);
        var (ut, st, vht) = linalg.svd(wt.to_type(ScalarType.Float64), fullMatrices: false);
        var top = (int)Math.Min(analysis.K, st.shape[0]);
        var cosines = u0.t().matmul(ut.narrow(1, 0, top)).abs().amax([0]);
        var ranks = Enumerable.Range(0, top).Where(i => cosines[i].item<double>() < analysis.Epsilon).ToArray();
        var sigmas = ranks.Select(i => st[i].item<double>()).ToArray();
        var summary = new ModuleMitigation(module.ModulePath, tensorName, ranks.Length, ranks, sigmas, lambda, module.Rank,
            lambda < 1 && ranks.Length > 0 ? module.Rank + ranks.Length : module.Rank);
        if (!summary.Changed)
        {
            return (summary, [], []);
        }

        var index = tensor(ranks.Select(i => (long)i).ToArray());
        var uI = ut.index_select(1, index);
        var vI = vht.t().index_select(1, index);
        var sI = st.index_select(0, index);
        var b = TorchTensors.LoadFloat32(adapter.Weights, module.B, CPU).to_type(ScalarType.Float64) * module.Scale;
        var a = TorchTensors.LoadFloat32(adapter.Weights, module.A, CPU).to_type(ScalarType.Float64);

        // Analysed orientation: Linear (and Conv1D) ΔW = s·B·A; an embedding is analysed as stored, ΔW = s·(B·A)ᵀ,
        // so there the roles of U and V swap.
        var (left, right) = module.Kind == LoraModuleKind.Embedding ? (vI, uI) : (uI, vI);
        var newB = cat([b, left * sI.unsqueeze(0) * -(1 - lambda)], 1);
        var newA = cat([a, right.t()], 0);
        return (summary, TorchTensors.ToArray(newB), TorchTensors.ToArray(newA));
    }

    private static void WriteAdapter(LoraAdapter adapter, IReadOnlyList<(ModuleMitigation Summary, LoraModule Module, float[] B, float[] A)> edits, string staging)
    {
        var replaced = new Dictionary<string, (long[] Shape, float[] Values)>(StringComparer.Ordinal);
        foreach (var (summary, module, b, a) in edits)
        {
            replaced[module.B.Name] = ([module.OutFeatures, summary.RankAfter], b);
            replaced[module.A.Name] = ([summary.RankAfter, module.InFeatures], a);
        }

        var specs = adapter.Weights.Tensors
            .Select(t => replaced.TryGetValue(t.Name, out var r) ? new TensorSpec(t.Name, t.DType, r.Shape) : new TensorSpec(t.Name, t.DType, t.Shape))
            .ToArray();
        using (var writer = SafetensorsWriter.Create(Path.Combine(staging, LoraAdapter.WeightsFileName), specs, adapter.Weights.Metadata))
        {
            foreach (var t in adapter.Weights.Tensors)
            {
                if (replaced.TryGetValue(t.Name, out var r))
                {
                    writer.WriteTensorFloat32(t.Name, r.Values);
                }
                else
                {
                    writer.WriteTensor(t.Name, adapter.Weights.GetBytes(t));
                }
            }

            writer.Commit();
        }

        WriteConfig(adapter, edits, staging);
        foreach (var file in Directory.EnumerateFiles(adapter.Folder))
        {
            var name = Path.GetFileName(file);
            if (name is not (LoraAdapter.WeightsFileName or AdapterConfig.FileName) && !name.StartsWith('.'))
            {
                File.Copy(file, Path.Combine(staging, name));
            }
        }
    }

    /// <summary>
    /// rank_pattern / alpha_pattern entries for the changed modules, placed first because PEFT takes the first key that
    /// matches (<c>get_pattern_key</c>); the key is the module's full path, escaped, so it matches that module alone.
    /// Its alpha makes PEFT's scale 1 (α = r, or √r with rsLoRA), since B' already carries the old scale.
    /// </summary>
    private static void WriteConfig(LoraAdapter adapter, IReadOnlyList<(ModuleMitigation Summary, LoraModule Module, float[] B, float[] A)> edits, string staging)
    {
        var config = JsonNode.Parse(BoundedFile.ReadAllText(adapter.Config.SourcePath, BoundedFile.ConfigLimit, "adapter config")) as JsonObject
            ?? throw new UserInputException($"{adapter.Config.SourcePath}: expected a JSON object");
        var rank = new JsonObject();
        var alpha = new JsonObject();
        foreach (var (summary, _, _, _) in edits)
        {
            var key = Regex.Escape(summary.ModulePath);
            rank[key] = summary.RankAfter;
            alpha[key] = adapter.Config.UseRslora ? Math.Sqrt(summary.RankAfter) : summary.RankAfter;
        }

        foreach (var (name, target) in new[] { ("rank_pattern", rank), ("alpha_pattern", alpha) })
        {
            if (config[name] is JsonObject existing)
            {
                foreach (var (k, v) in existing.ToArray())
                {
                    if (!target.ContainsKey(k))
                    {
                        target[k] = v?.DeepClone();
                    }
                }
            }

            config[name] = target;
        }

        File.WriteAllText(Path.Combine(staging, AdapterConfig.FileName), config.ToJsonString(new JsonSerializerOptions { WriteIndented = true }));
    }
}
