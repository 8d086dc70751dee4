using System.Diagnostics;
using Microsoft.Extensions.Logging;
using ModelGate.Core;
using ModelGate.Core.Adapters;
using ModelGate.Core.Errors;
using ModelGate.Core.Lineage;
using ModelGate.Core.Registries;
using ModelGate.Core.Spectral;
using ModelGate.Core.Tensors;
using ModelGate.Torch.Merging;
using ModelGate.Torch.Runtime;
using ModelGate.Torch.Spectral;
using static TorchSharp.torch;

namespace ModelGate.Torch.Lineage;

/// <summary>
/// Follows intruder dimensions through a history of adapters trained one after another (release i trained on the
/// base with releases 1..i−1 merged). For every release it counts the cumulative intruders (base + releases 1..i
/// against the original base: what the paper shows accumulating) and the new ones (against the weight after
/// release i−1: what this release brought by itself).
/// </summary>
public sealed class LineageAnalyzer(IntruderAnalyzer analyzer, ILogger<LineageAnalyzer> logger) : ILineageAnalyzer
{
    /// <summary>The lineage of adapter folders on a base folder, each named as it is.</summary>
    public Task<LineageReport> AnalyzeAsync(string baseFolder, IReadOnlyList<string> adapterFolders, AnalysisSettings settings, string device,
        IProgress<WorkProgress>? progress, CancellationToken cancellationToken) =>
        AnalyzeAsync(ResolvedModel.Folder(baseFolder), [.. adapterFolders.Select(ResolvedModel.Folder)], settings, device, progress, cancellationToken);

    /// <summary>The lineage of resolved adapters (one per release, in training order) on a resolved base; the report names each as resolved.</summary>
    public async Task<LineageReport> AnalyzeAsync(ResolvedModel baseModel, IReadOnlyList<ResolvedModel> adapterModels, AnalysisSettings settings, string device,
        IProgress<WorkProgress>? progress, CancellationToken cancellationToken)
    {
        var adapterFolders = adapterModels.Select(a => a.LocalPath).ToArray();
        if (adapterFolders.Length == 0)
        {
            throw new UserInputException(InputField.Adapter, "missing: a lineage needs the releases' adapters, in the order they were trained");
        }

        settings.Validate();
        var torchDevice = TorchDeviceSelector.Select(device);
        var clock = Stopwatch.StartNew();
        using var baseWeights = await ModelWeights.OpenAsync(baseModel.LocalPath, cancellationToken);
        using var adapters = AdapterStack.Load(adapterFolders);
        var filter = settings.ModuleFilter();

        // Every prefix is planned before any arithmetic, so a bad release fails at once with its module named.
        // plans[i] is the merge of releases 1..i (plans[0]: nothing changed yet).
        var plans = Enumerable.Range(0, adapterFolders.Length + 1)
            .Select(i => i == 0
                ? new Dictionary<string, TensorUpdate>(StringComparer.Ordinal)
                : MergePlanner.Plan(baseWeights, adapters.Adapters.Take(i).ToArray()).ToDictionary(u => u.TensorName, StringComparer.Ordinal))
            .ToArray();
        var analysed = plans
            .Select(p => p.Values.Where(u => u.IsMatrix && (filter is null || filter.IsMatch(u.TensorName))).OrderBy(u => u.TensorName, StringComparer.Ordinal).ToArray())
            .ToArray();
        if (analysed[^1].Length == 0)
        {
            throw filter is null
                ? new UserInputException("the adapters change no 2-D weight of the base model")
                : new UserInputException(InputField.Modules, $"'{settings.Modules}' matches none of the {plans[^1].Count} weights the adapters change");
        }

        var changedBy = Enumerable.Range(1, adapterFolders.Length)
            .Select(i => analysed[i].Where(u => u.Edits.Any(e => ReferenceEquals(e.Adapter, adapters.Adapters[i - 1]))).ToArray())
            .ToArray();
        var total = Enumerable.Range(1, adapterFolders.Length).Sum(i => analysed[i].Length + changedBy[i - 1].Length);
        var done = 0;

        var steps = new List<LineageStep>(adapterFolders.Length);
        var warnings = new List<string>();
        var previousTotal = 0;
        for (var i = 1; i <= adapterFolders.Length; i++)
        {
            cancellationToken.ThrowIfCancellationRequested();
            var step = i;

            // Cumulative: exactly what `analyze` reports for this prefix, with its cache and fast paths. A prefix that
            // changes no selected weight yet (--modules) has nothing to analyse and counts 0.
            IntruderReport? cumulative = null;
            if (analysed[i].Length > 0)
            {
                var offset = done;
                // The inner analysis's own "all done" report is not the end of the lineage: it is left out.
                var inner = progress is null
                    ? null
                    : new Relay(p =>
                    {
                        if (p.Completed < p.Total)
                        {
                            progress.Report(new WorkProgress(offset + p.Completed, total, $"release {step}: {p.Current}", clock.Elapsed));
                        }
                    });
                cumulative = await analyzer.AnalyzeAdaptersAsync(baseModel, adapterModels.Take(i).ToArray(), settings, device, inner, cancellationToken);
                warnings.AddRange(cumulative.Warnings.Where(w => !warnings.Contains(w)));
            }

            done += analysed[i].Length;

            // New: the paper's full SVD of the weight after release i against the weight after release i−1.
            var details = new List<ModuleIntruders>(changedBy[i - 1].Length);
            foreach (var update in changedBy[i - 1])
            {
                cancellationToken.ThrowIfCancellationRequested();
                progress?.Report(new WorkProgress(done, total, $"release {step} vs {step - 1}: {update.TensorName}", clock.Elapsed));
                using (await baseWeights.FetchAsync(update.Base, cancellationToken))
                {
                    details.Add(NewIntruders(baseWeights, update, plans[i - 1].GetValueOrDefault(update.TensorName), settings, torchDevice));
                }

                done++;
            }

            var cumulativeByName = (cumulative?.Modules ?? []).ToDictionary(m => m.Name, StringComparer.Ordinal);
            var newByName = details.ToDictionary(m => m.Name, StringComparer.Ordinal);
            var modules = analysed[i].Select(u => new LineageModule(
                    u.TensorName,
                    LayerIndex.OfTensor(u.TensorName),
                    cumulativeByName.TryGetValue(u.TensorName, out var c) ? c.Intruders : 0,
                    newByName.TryGetValue(u.TensorName, out var n) ? n.Intruders : 0,
                    newByName.ContainsKey(u.TensorName)))
                .ToArray();
            var totalCumulative = modules.Sum(m => m.Cumulative);
            steps.Add(new LineageStep
            {
                Step = step,
                Adapter = adapterModels[i - 1].Display,
                Modules = modules,
                Cumulative = cumulative,
                NewDetails = details,
                Growth = totalCumulative - previousTotal,
            });
            logger.LogDebug("release {Step} ({Adapter}): {Cumulative} cumulative, {New} new intruders", step, adapterModels[i - 1].Display, totalCumulative, modules.Sum(m => m.New));
            previousTotal = totalCumulative;
        }

        progress?.Report(new WorkProgress(total, total, "", clock.Elapsed));
        return new LineageReport
        {
            ToolVersion = ToolVersion.Current,
            BaseModel = baseModel.Display,
            Adapters = [.. adapterModels.Select(a => a.Display)],
            K = settings.K,
            Epsilon = settings.Epsilon,
            ModuleFilter = settings.Modules,
            Method = settings.Method,
            Device = torchDevice.ToString(),
            Elapsed = clock.Elapsed,
            Steps = steps,
            Warnings = adapters.Warnings.Concat(warnings).Distinct().ToArray(),
        };
    }

    /// <summary>
    /// Both sides merged from the base in float32 by the same arithmetic as <c>merge</c>; a weight release i is the
    /// first to change has the base weight itself as its reference. One module's tensors live in one scope.
    /// </summary>
    private static ModuleIntruders NewIntruders(ModelWeights baseWeights, TensorUpdate update, TensorUpdate? previous, AnalysisSettings settings, Device device)
    {
        using var scope = NewDisposeScope();
        var w0 = TorchTensors.LoadFloat32(baseWeights, update.Base, device);
        var reference = previous is null ? w0 : WeightMerger.ApplyChecked(w0, previous, device);
        var tuned = WeightMerger.ApplyChecked(w0, update, device);
        if (update.Layout == MatrixLayout.Transposed)
        {
            (reference, tuned) = (reference.t(), tuned.t());
        }

        return IntruderCounter.Count(update.TensorName, reference, tuned, settings.K, settings.Epsilon);
    }

    /// <summary>Reports on the caller's thread: one cumulative analysis is a slice of the lineage's whole progress.</summary>
    private sealed class Relay(Action<WorkProgress> report) : IProgress<WorkProgress>
    {
        public void Report(WorkProgress value) => report(value);
    }
}
