using System.Diagnostics;
using System.Threading.Channels;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using ModelGate.Core.Adapters;
using ModelGate.Core.Errors;
using ModelGate.Core.IO;
using ModelGate.Core.Registries;
using ModelGate.Core.Spectral.Cache;
using ModelGate.Core.Spectral.Publishing;
using ModelGate.Core.Tensors;
using ModelGate.Core.Torch;
using static TorchSharp.torch;

namespace ModelGate.Core.Spectral;

/// <summary>
/// Counts intruder dimensions of adapters or of a fully fine-tuned model against a base model. By default the base
/// side comes from the spectrum cache and each module takes the cheapest exact path (low-rank for plain LoRA,
/// Krylov otherwise); <see cref="AnalysisMethod.FullSvd"/> runs the paper's reference computation instead.
/// Reading the next module (hashing, cache, published spectra and adapter files) overlaps with the linear algebra of
/// the current one. A base spectrum comes from the local cache, else from the published location of
/// <see cref="AnalysisSettings.Spectra"/>, else it is computed.
/// </summary>
public sealed class IntruderAnalyzer(ILogger<IntruderAnalyzer> logger, ILogger<SpectrumCache>? cacheLogger = null, PublishedSpectraSource? publishedSpectra = null)
{
    /// <summary>Base + adapters (merged in order) vs base, for every 2-D weight the adapters change; folders named as they are.</summary>
    public IntruderReport AnalyzeAdapters(string baseFolder, IReadOnlyList<string> adapterFolders, AnalysisSettings settings,
        string device, IProgress<WorkProgress>? progress, CancellationToken cancellationToken) =>
        AnalyzeAdapters(ResolvedModel.Folder(baseFolder), [.. adapterFolders.Select(ResolvedModel.Folder)], settings, device, progress, cancellationToken);

    /// <summary>Base + adapters (merged in order) vs base, for every 2-D weight the adapters change; the report names each as resolved.</summary>
    public IntruderReport AnalyzeAdapters(ResolvedModel baseModel, IReadOnlyList<ResolvedModel> adapterModels, AnalysisSettings settings,
        string device, IProgress<WorkProgress>? progress, CancellationToken cancellationToken)
    {
        settings.Validate();
        var torchDevice = TorchDeviceSelector.Select(device);
        using var baseWeights = ModelWeights.Open(baseModel.LocalPath);
        using var adapters = AdapterStack.Load([.. adapterModels.Select(a => a.LocalPath)]);
        var filter = settings.ModuleFilter();
        var changed = MergePlanner.Plan(baseWeights, adapters.Adapters);
        var updates = changed.Where(u => u.IsMatrix && (filter is null || filter.IsMatch(u.TensorName))).ToArray();
        if (updates.Length == 0)
        {
            throw filter is null
                ? new UserInputException("the adapters change no 2-D weight of the base model")
                : new UserInputException(InputField.Modules, $"'{settings.Modules}' matches none of the {changed.Count} weights the adapters change");
        }

        var jobs = updates.Select(u => new ModuleJob(u.TensorName, u.Base, u.Layout,
            LowRankUpdate.IsLowRank(u) ? () => LowRankUpdate.Factors(u) : null,
            (w0, d) => WeightMerger.ApplyChecked(w0, u, d))).ToArray();
        return Run(ComparisonKind.Adapter, baseModel.Display, [.. adapterModels.Select(a => a.Display)], baseWeights, jobs, adapters.Warnings.ToArray(), settings, torchDevice, progress, cancellationToken);
    }

    /// <summary>A fully fine-tuned model vs its base, for every linear weight both have; folders named as they are.</summary>
    public IntruderReport AnalyzeFineTune(string baseFolder, string tunedFolder, AnalysisSettings settings, string device,
        IProgress<WorkProgress>? progress, CancellationToken cancellationToken) =>
        AnalyzeFineTune(ResolvedModel.Folder(baseFolder), ResolvedModel.Folder(tunedFolder), settings, device, progress, cancellationToken);

    /// <summary>A fully fine-tuned model vs its base, for every linear weight both have; the report names each as resolved.</summary>
    public IntruderReport AnalyzeFineTune(ResolvedModel baseModel, ResolvedModel tunedModel, AnalysisSettings settings, string device,
        IProgress<WorkProgress>? progress, CancellationToken cancellationToken)
    {
        var (baseFolder, tunedFolder) = (baseModel.LocalPath, tunedModel.LocalPath);
        settings.Validate();
        var torchDevice = TorchDeviceSelector.Select(device);
        using var baseWeights = ModelWeights.Open(baseFolder);
        using var tunedWeights = ModelWeights.Open(tunedFolder);
        var filter = settings.ModuleFilter();
        var layout = LinearWeights.LayoutOf(baseFolder);

        var jobs = new List<ModuleJob>();
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

            jobs.Add(new ModuleJob(b.Name, b, layout, null, (_, d) => TorchTensors.LoadFloat32(tunedWeights, t, d)));
        }

        if (jobs.Count == 0)
        {
            throw filter is null
                ? new UserInputException($"{tunedFolder}: shares no linear weight with {baseFolder}")
                : new UserInputException(InputField.Modules, $"'{settings.Modules}' matches no linear weight of {baseFolder}");
        }

        return Run(ComparisonKind.FullFineTune, baseModel.Display, [tunedModel.Display], baseWeights, jobs, warnings, settings, torchDevice, progress, cancellationToken);
    }

    private IntruderReport Run(ComparisonKind kind, string baseName, IReadOnlyList<string> tuned, ModelWeights baseWeights,
        IReadOnlyList<ModuleJob> jobs, IReadOnlyList<string> warnings, AnalysisSettings settings, Device device,
        IProgress<WorkProgress>? progress, CancellationToken cancellationToken)
    {
        foreach (var w in warnings)
        {
            logger.LogWarning("{Warning}", w);
        }

        var cache = settings.Method == AnalysisMethod.FullSvd
            ? null
            : new SpectrumCache(CacheRoot.Resolve(settings.CacheFolder), settings.CachePrecision, cacheLogger ?? NullLogger<SpectrumCache>.Instance);
        var published = cache is null || settings.Spectra is null ? null : OpenPublished(settings.Spectra, cancellationToken);
        var refusals = new System.Collections.Concurrent.ConcurrentQueue<string>();
        var clock = Stopwatch.StartNew();
        var results = new List<ModuleIntruders>(jobs.Count);
        var cacheMisses = 0;

        // Two modules read ahead at most: memory stays at a few matrices whatever the model's size.
        var channel = Channel.CreateBounded<PreparedModule>(new BoundedChannelOptions(2) { SingleReader = true, SingleWriter = true });
        using var stop = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        var reader = Task.Run(() => Prepare(jobs, baseWeights, cache, published, refusals, channel.Writer, stop.Token), stop.Token);
        try
        {
            for (var i = 0; i < jobs.Count; i++)
            {
                var prepared = channel.Reader.ReadAsync(cancellationToken).AsTask().GetAwaiter().GetResult();
                progress?.Report(new WorkProgress(i, jobs.Count, prepared.Job.Name, clock.Elapsed));

                // One scope per module: native memory stays at a few matrices, whatever the model's size.
                using var scope = NewDisposeScope();
                if (cache is null)
                {
                    results.Add(FullSvd(prepared, settings, device));
                    continue;
                }

                var spectrum = prepared.Spectrum;
                if (spectrum is null)
                {
                    spectrum = cache.GetOrCompute(prepared.Key!.Value, baseWeights, prepared.Job.Base, prepared.Job.Layout, device, out var computed);
                    cacheMisses += computed ? 1 : 0;
                }

                results.Add(Fast(prepared, spectrum, settings, device));
            }
        }
        finally
        {
            stop.Cancel();
            try
            {
                reader.GetAwaiter().GetResult();
            }
            catch (OperationCanceledException)
            {
            }
        }

        progress?.Report(new WorkProgress(jobs.Count, jobs.Count, "", clock.Elapsed));
        var unconverged = results.Where(r => r.RelativeResidual > settings.Tolerance).Select(r => r.Name).ToArray();
        var allWarnings = warnings.Concat(refusals).Concat(unconverged.Select(n =>
            $"{n}: the iteration stopped above the tolerance {settings.Tolerance:0.#E+0}; its counts may be off near ε (the full-svd method computes them exactly)")).ToArray();
        foreach (var w in allWarnings.Skip(warnings.Count + refusals.Count))
        {
            logger.LogWarning("{Warning}", w);
        }

        return new IntruderReport
        {
            ToolVersion = ToolVersion.Current,
            Kind = kind,
            BaseModel = baseName,
            Tuned = tuned,
            K = settings.K,
            Epsilon = settings.Epsilon,
            ModuleFilter = settings.Modules,
            Method = settings.Method,
            Tolerance = settings.Method == AnalysisMethod.FullSvd ? 0 : settings.Tolerance,
            CacheFolder = cache?.Root,
            CacheMisses = cacheMisses,
            Spectra = published?.Display,
            SpectraFetched = published?.Fetched ?? 0,
            // A streamed base counts from its resolution (config, index, shard headers): what a user pays to analyse it.
            BytesFetched = baseWeights.BytesFetched + (published?.BytesFetched ?? 0),
            Device = device.ToString(),
            Elapsed = clock.Elapsed,
            Modules = results,
            Warnings = allWarnings,
        };
    }

    /// <summary>The reading side of the pipeline: no TorchSharp here, only files and hashes.</summary>
    private static async Task Prepare(IReadOnlyList<ModuleJob> jobs, ModelWeights baseWeights, SpectrumCache? cache, PublishedSpectra? published,
        System.Collections.Concurrent.ConcurrentQueue<string> refusals, ChannelWriter<PreparedModule> writer, CancellationToken cancellationToken)
    {
        try
        {
            foreach (var job in jobs)
            {
                cancellationToken.ThrowIfCancellationRequested();
                BaseSpectrum? spectrum = null;
                SpectrumKey? key = null;
                if (cache is not null)
                {
                    // On a hit with low-rank factors the base matrix is never read as float32 below, so the bytes the
                    // hash has just paged in are checked for NaN and infinities here.
                    key = SpectrumKey.Compute(baseWeights, job.Base, job.Layout);
                    baseWeights.CheckFinite(job.Base);
                    if (cache.TryGet(key.Value, out var hit))
                    {
                        spectrum = hit;
                    }
                    else if (published is not null)
                    {
                        var (rows, cols) = job.Layout == MatrixLayout.Transposed ? (job.Base.Shape[1], job.Base.Shape[0]) : (job.Base.Shape[0], job.Base.Shape[1]);
                        spectrum = published.TryFetch(key.Value, rows, cols, cache.Folder, out var refusal);
                        if (refusal is not null)
                        {
                            refusals.Enqueue($"{job.Name}: {refusal}");
                        }
                    }
                }

                var factors = cache is null ? null : job.Factors?.Invoke();
                var w0 = factors is null ? baseWeights.ReadFloat32(job.Base) : null;
                await writer.WriteAsync(new PreparedModule(job, key, spectrum, factors, w0), cancellationToken);
            }

            writer.Complete();
        }
        catch (Exception e)
        {
            writer.Complete(e);
        }
    }

    private static ModuleIntruders FullSvd(PreparedModule prepared, AnalysisSettings settings, Device device)
    {
        var job = prepared.Job;
        var w0 = TorchTensors.FromArray(prepared.BaseValues!, job.Base.Shape, device);
        var wt = job.Tuned(w0, device);
        if (job.Layout == MatrixLayout.Transposed)
        {
            (w0, wt) = (w0.t(), wt.t());
        }

        return IntruderCounter.Count(job.Name, w0, wt, settings.K, settings.Epsilon);
    }

    private static ModuleIntruders Fast(PreparedModule prepared, BaseSpectrum spectrum, AnalysisSettings settings, Device device)
    {
        var job = prepared.Job;
        var u0 = TorchTensors.FromArray(spectrum.U, [spectrum.Rows, spectrum.Rank], device);
        var s0 = TorchTensors.FromArray(spectrum.S, [spectrum.Rank], device);
        var v0 = TorchTensors.FromArray(spectrum.V, [spectrum.Cols, spectrum.Rank], device);
        if (prepared.Factors is { } f)
        {
            var b = TorchTensors.FromArray(f.B, [spectrum.Rows, f.Rank], device);
            var a = TorchTensors.FromArray(f.A, [f.Rank, spectrum.Cols], device);
            return LowRankIntruderCounter.Count(job.Name, u0, s0, v0, b, a, settings.K, settings.Epsilon, settings.Tolerance);
        }

        var wt = job.Tuned(TorchTensors.FromArray(prepared.BaseValues!, job.Base.Shape, device), device);
        if (job.Layout == MatrixLayout.Transposed)
        {
            wt = wt.t();
        }

        return KrylovIntruderCounter.Count(job.Name, u0, s0, v0, wt, settings.K, settings.Epsilon, settings.Tolerance);
    }

    /// <summary>One matrix to analyse: its base tensor, how to get the tuned one, and its low-rank update when it has one.</summary>
    private sealed record ModuleJob(string Name, TensorInfo Base, MatrixLayout Layout, Func<LowRankFactors>? Factors, Func<Tensor, Device, Tensor> Tuned);

    private sealed record PreparedModule(ModuleJob Job, SpectrumKey? Key, BaseSpectrum? Spectrum, LowRankFactors? Factors, float[]? BaseValues);

    private PublishedSpectra OpenPublished(string location, CancellationToken cancellationToken)
    {
        if (publishedSpectra is null)
        {
            throw new InvalidOperationException("Published spectra need the registries: register them with AddModelGateCore.");
        }

        var published = publishedSpectra.OpenAsync(location, cancellationToken).GetAwaiter().GetResult();
        logger.LogDebug("{Location}: published spectra opened", published.Display);
        return published;
    }
}
