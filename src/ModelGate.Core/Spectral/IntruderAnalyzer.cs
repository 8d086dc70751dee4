using System.Diagnostics;
using Microsoft.Extensions.Logging;
using ModelGate.Core.Adapters;
using ModelGate.Core.Errors;
using ModelGate.Core.Tensors;
using ModelGate.Core.Torch;
using static TorchSharp.torch;

namespace ModelGate.Core.Spectral;

/// <summary>Counts intruder dimensions of adapters or of a fully fine-tuned model against a base model.</summary>
public sealed class IntruderAnalyzer(ILogger<IntruderAnalyzer> logger)
{
    /// <summary>Base + adapters (merged in order) vs base, for every 2-D weight the adapters change.</summary>
    public IntruderReport AnalyzeAdapters(string baseFolder, IReadOnlyList<string> adapterFolders, AnalysisSettings settings,
        string device, IProgress<WorkProgress>? progress, CancellationToken cancellationToken)
    {
        settings.Validate();
        var torchDevice = TorchDeviceSelector.Select(device);
        using var baseWeights = ModelWeights.Open(baseFolder);
        using var adapters = AdapterStack.Load(adapterFolders);
        var filter = settings.ModuleFilter();
        var changed = MergePlanner.Plan(baseWeights, adapters.Adapters);
        var updates = changed.Where(u => u.IsMatrix && (filter is null || filter.IsMatch(u.TensorName))).ToArray();
        if (updates.Length == 0)
        {
            throw new UserInputException(filter is null
                ? "the adapters change no 2-D weight of the base model"
                : $"--modules '{settings.Modules}' matches none of the {changed.Count} weights the adapters change");
        }

        var pairs = updates.Select(u => (u.TensorName, u.Layout, (Func<(Tensor, Tensor)>)(() =>
        {
            var w0 = TorchTensors.LoadFloat32(baseWeights, u.Base, torchDevice);
            return (w0, WeightMerger.Apply(w0, u, torchDevice));
        }))).ToArray();
        return Run(ComparisonKind.Adapter, baseFolder, adapterFolders, pairs, adapters.Warnings.ToArray(), settings, torchDevice, progress, cancellationToken);
    }

    /// <summary>A fully fine-tuned model vs its base, for every linear weight both have.</summary>
    public IntruderReport AnalyzeFineTune(string baseFolder, string tunedFolder, AnalysisSettings settings, string device,
        IProgress<WorkProgress>? progress, CancellationToken cancellationToken)
    {
        settings.Validate();
        var torchDevice = TorchDeviceSelector.Select(device);
        using var baseWeights = ModelWeights.Open(baseFolder);
        using var tunedWeights = ModelWeights.Open(tunedFolder);
        var filter = settings.ModuleFilter();
        var layout = LinearWeights.LayoutOf(baseFolder);

        var pairs = new List<(string, MatrixLayout, Func<(Tensor, Tensor)>)>();
        var warnings = new List<string>();
        foreach (var b in baseWeights.Tensors.Where(LinearWeights.IsLinear))
        {
            if (filter is not null && !filter.IsMatch(b.Name))
            {
                continue;
            }

            if (!tunedWeights.TryGet(b.Name, out var t))
            {
                warnings.Add($"{tunedFolder}: has no '{b.Name}'; not compared");
                continue;
            }

            if (!t.Shape.SequenceEqual(b.Shape))
            {
                throw new UserInputException(
                    $"{tunedFolder}: tensor '{t.Name}' is {LoraAdapter.Shape(t)} but the base's is {LoraAdapter.Shape(b)}: not a fine-tune of this base");
            }

            pairs.Add((b.Name, layout, () => (TorchTensors.LoadFloat32(baseWeights, b, torchDevice), TorchTensors.LoadFloat32(tunedWeights, t, torchDevice))));
        }

        if (pairs.Count == 0)
        {
            throw new UserInputException(filter is null
                ? $"{tunedFolder}: shares no linear weight with {baseFolder}"
                : $"--modules '{settings.Modules}' matches no linear weight of {baseFolder}");
        }

        return Run(ComparisonKind.FullFineTune, baseFolder, [tunedFolder], pairs, warnings, settings, torchDevice, progress, cancellationToken);
    }

    private IntruderReport Run(ComparisonKind kind, string baseFolder, IReadOnlyList<string> tuned,
        IReadOnlyList<(string Name, MatrixLayout Layout, Func<(Tensor, Tensor)> Load)> pairs, IReadOnlyList<string> warnings,
        AnalysisSettings settings, Device device, IProgress<WorkProgress>? progress, CancellationToken cancellationToken)
    {
        foreach (var w in warnings)
        {
            logger.LogWarning("{Warning}", w);
        }

        var clock = Stopwatch.StartNew();
        var results = new List<ModuleIntruders>(pairs.Count);
        for (var i = 0; i < pairs.Count; i++)
        {
            cancellationToken.ThrowIfCancellationRequested();
            var (name, layout, load) = pairs[i];
            progress?.Report(new WorkProgress(i, pairs.Count, name, clock.Elapsed));

            // One scope per module: native memory stays at a few matrices, whatever the model's size.
            using var scope = NewDisposeScope();
            var (w0, wt) = load();
            if (layout == MatrixLayout.Transposed)
            {
                (w0, wt) = (w0.t(), wt.t());
            }

            var result = IntruderCounter.Count(name, w0, wt, settings.K, settings.Epsilon);
            logger.LogDebug("{Module}: {Intruders} intruders, max cosines {Cosines}", name, result.Intruders, result.MaxCosines);
            results.Add(result);
        }

        progress?.Report(new WorkProgress(pairs.Count, pairs.Count, "", clock.Elapsed));
        return new IntruderReport
        {
            ToolVersion = ToolVersion.Current,
            Kind = kind,
            BaseModel = baseFolder,
            Tuned = tuned,
            K = settings.K,
            Epsilon = settings.Epsilon,
            ModuleFilter = settings.Modules,
            Device = device.ToString(),
            Elapsed = clock.Elapsed,
            Modules = results,
            Warnings = warnings,
        };
    }
}
