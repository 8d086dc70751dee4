using System.Diagnostics;
using ModelGate.Core;
using ModelGate.Core.Adapters;
using ModelGate.Core.Errors;
using ModelGate.Core.Spectral;
using ModelGate.Core.Spectral.Cache;
using ModelGate.Core.Spectral.Sharding;
using ModelGate.Core.Tensors;
using TorchSharp;

namespace ModelGate.Torch.Spectral.Cache;

/// <summary>
/// Fills the cache with the spectra of a base model's linear weights ahead of time, so that the first analysis of
/// an adapter (in CI, say) does not pay for them. Every front end calls this; none loops over tensors itself.
/// </summary>
public static class SpectrumPrecompute
{
    /// <summary>
    /// Every linear weight of <paramref name="baseFolder"/> (<see cref="LinearWeights.IsLinear"/>, in the model's
    /// <see cref="LinearWeights.LayoutOf"/>) whose name matches <paramref name="modules"/> (a regular expression
    /// searched in the name; null for all), one matrix at a time; with <paramref name="shard"/>, only that shard's
    /// share of them, split by the cost of a cold SVD (<see cref="ModuleCost.ColdSpectrum"/>, <see cref="ShardPlanner"/>).
    /// </summary>
    public static PrecomputeResult Run(SpectrumCache cache, string baseFolder, string? modules, AnalysisShard? shard, torch.Device device,
        IProgress<WorkProgress>? progress, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(cache);
        ArgumentNullException.ThrowIfNull(device);
        var filter = new AnalysisSettings { Modules = modules }.ModuleFilter();
        using var weights = ModelWeights.Open(baseFolder);
        var layout = LinearWeights.LayoutOf(weights.Folder);
        var targets = weights.Tensors.Where(t => LinearWeights.IsLinear(t) && (filter is null || filter.IsMatch(t.Name))).ToArray();
        if (targets.Length == 0)
        {
            throw filter is null
                ? new UserInputException($"{weights.Folder}: has no linear weights")
                : new UserInputException(InputField.Modules, $"'{modules}' matches no linear weight of {weights.Folder}");
        }

        if (shard is not null)
        {
            var shardOf = ShardPlanner.Assign([.. targets.Select(t => t.Name)], [.. targets.Select(t => ModuleCost.ColdSpectrum(t.Shape[0], t.Shape[1]))], shard.Count);
            targets = [.. targets.Where((_, i) => shardOf[i] == shard.Index)];
        }

        var clock = Stopwatch.StartNew();
        int computed = 0, cached = 0;
        var spectra = new List<PrecomputedSpectrum>(targets.Length);
        for (var i = 0; i < targets.Length; i++)
        {
            cancellationToken.ThrowIfCancellationRequested();
            progress?.Report(new WorkProgress(i, targets.Length, targets[i].Name, clock.Elapsed));
            var key = SpectrumKey.Compute(weights, targets[i], layout);
            var spectrum = cache.GetOrCompute(key, weights, targets[i], layout, device, out var wasComputed);
            spectra.Add(new PrecomputedSpectrum(targets[i].Name, key, spectrum.Rows, spectrum.Cols, layout));
            if (wasComputed)
            {
                computed++;
            }
            else
            {
                cached++;
            }
        }

        progress?.Report(new WorkProgress(targets.Length, targets.Length, "", clock.Elapsed));
        return new PrecomputeResult(computed, cached, spectra);
    }
}
