using System.Diagnostics;
using System.Threading.Channels;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using ModelGate.Core;
using ModelGate.Core.Adapters;
using ModelGate.Core.Errors;
using ModelGate.Core.Gating;
using ModelGate.Core.IO;
using ModelGate.Core.Registries;
using ModelGate.Core.Spectral;
using ModelGate.Core.Spectral.Cache;
using ModelGate.Core.Spectral.Sharding;
using ModelGate.Core.Tensors;
using ModelGate.Torch.Merging;
using ModelGate.Torch.Runtime;
using ModelGate.Torch.Spectral.Cache;
using ModelGate.Torch.Spectral.Publishing;
using static TorchSharp.torch;

namespace ModelGate.Torch.Spectral;

/// <summary>
/// Counts intruder dimensions of adapters or of a fully fine-tuned model against a base model. By default the base
/// side comes from the spectrum cache and each module takes the cheapest exact path (low-rank for plain LoRA,
/// Krylov otherwise); <see cref="AnalysisMethod.FullSvd"/> runs the paper's reference computation instead.
/// Reading the next module (hashing, cache, published spectra and adapter files) overlaps with the linear algebra of
/// the current one: an asynchronous producer fetches, hashes and checks each module's inputs (awaiting the network for
/// a streamed base and for published spectra) and the compute loop awaits them from a bounded channel, so no thread
/// ever blocks on I/O; each module's linear algebra runs synchronously between two awaits, in its own dispose scope.
/// A base spectrum comes from the local cache, else from the published location of
/// <see cref="AnalysisSettings.Spectra"/>, else it is computed.
/// </summary>
public sealed class IntruderAnalyzer(ILogger<IntruderAnalyzer> logger, ILogger<SpectrumCache>? cacheLogger = null, PublishedSpectraSource? publishedSpectra = null) : IIntruderAnalyzer
{
    /// <summary>Base + adapters (merged in order) vs base, for every 2-D weight the adapters change; folders named as they are.</summary>
    public Task<IntruderReport> AnalyzeAdaptersAsync(string baseFolder, IReadOnlyList<string> adapterFolders, AnalysisSettings settings,
        string device, IProgress<WorkProgress>? progress, CancellationToken cancellationToken) =>
        AnalyzeAdaptersAsync(ResolvedModel.Folder(baseFolder), [.. adapterFolders.Select(ResolvedModel.Folder)], settings, device, progress, cancellationToken);

    /// <inheritdoc/>
    public async Task<IntruderReport> AnalyzeAdaptersAsync(ResolvedModel baseModel, IReadOnlyList<ResolvedModel> adapterModels, AnalysisSettings settings,
        string device, IProgress<WorkProgress>? progress, CancellationToken cancellationToken)
    {
        settings.Validate();
        var torchDevice = TorchDeviceSelector.Select(device);
        using var baseWeights = await ModelWeights.OpenAsync(baseModel.LocalPath, cancellationToken);
        using var adapters = AdapterStack.Load([.. adapterModels.Select(a => a.LocalPath)]);
        var updates = AnalysedModules.Of(baseWeights, adapters, settings);
        // The split's cost comes from AnalysedModules.Cost, as a gate combining the shards computes it.
        var jobs = updates.Select(u => new ModuleJob(u.TensorName, u.Base, u.Layout, LowRankUpdate.IsLowRank(u) ? () => LowRankUpdate.Factors(u) : null,
            (w0, d) => WeightMerger.ApplyChecked(w0, u, d), AnalysedModules.Cost(u, settings.Method))).ToArray();
        return await RunAsync(ComparisonKind.Adapter, baseModel.Display, [.. adapterModels.Select(a => a.Display)], baseWeights, jobs, adapters.Warnings.ToArray(),
            [.. adapterModels.Select(a => a.LocalPath)], settings, torchDevice, progress, cancellationToken);
    }

    /// <summary>A fully fine-tuned model vs its base, for every linear weight both have; folders named as they are.</summary>
    public Task<IntruderReport> AnalyzeFineTuneAsync(string baseFolder, string tunedFolder, AnalysisSettings settings, string device,
        IProgress<WorkProgress>? progress, CancellationToken cancellationToken) =>
        AnalyzeFineTuneAsync(ResolvedModel.Folder(baseFolder), ResolvedModel.Folder(tunedFolder), settings, device, progress, cancellationToken);

    /// <summary>A fully fine-tuned model vs its base, for every linear weight both have; the report names each as resolved.</summary>
    public async Task<IntruderReport> AnalyzeFineTuneAsync(ResolvedModel baseModel, ResolvedModel tunedModel, AnalysisSettings settings, string device,
        IProgress<WorkProgress>? progress, CancellationToken cancellationToken)
    {
        var (baseFolder, tunedFolder) = (baseModel.LocalPath, tunedModel.LocalPath);
        settings.Validate();
        var torchDevice = TorchDeviceSelector.Select(device);
        using var baseWeights = await ModelWeights.OpenAsync(baseFolder, cancellationToken);
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

            jobs.Add(new ModuleJob(b.Name, b, layout, null, (_, d) => TorchTensors.LoadFloat32(tunedWeights, t, d), ModuleCost.Of(b.Shape[0], b.Shape[1], 0, settings.Method)));
        }

        if (jobs.Count == 0)
        {
            throw filter is null
                ? new UserInputException($"{tunedFolder}: shares no linear weight with {baseFolder}")
                : new UserInputException(InputField.Modules, $"'{settings.Modules}' matches no linear weight of {baseFolder}");
        }

        return await RunAsync(ComparisonKind.FullFineTune, baseModel.Display, [tunedModel.Display], baseWeights, jobs, warnings, [tunedFolder], settings, torchDevice, progress, cancellationToken);
    }

    private async Task<IntruderReport> RunAsync(ComparisonKind kind, string baseName, IReadOnlyList<string> tuned, ModelWeights baseWeights,
        IReadOnlyList<ModuleJob> jobs, IReadOnlyList<string> warnings, IReadOnlyList<string> tunedFolders, AnalysisSettings settings, Device device,
        IProgress<WorkProgress>? progress, CancellationToken cancellationToken)
    {
        ShardProvenance? shard = null;
        if (settings.Shard is { } part)
        {
            var shardOf = ShardPlanner.Assign([.. jobs.Select(j => j.Name)], [.. jobs.Select(j => j.Cost)], part.Count);
            var tunedHashes = new List<string>(tunedFolders.Count);
            foreach (var folder in tunedFolders)
            {
                tunedHashes.Add((await ModelFingerprint.ComputeAsync(folder, cancellationToken)).Sha256);
            }

            shard = new ShardProvenance(part, jobs.Count, ShardPlanner.Digest(jobs.Select(j => j.Name)), tunedHashes);
            jobs = [.. jobs.Where((_, i) => shardOf[i] == part.Index)];
        }

        foreach (var w in warnings)
        {
            logger.LogWarning("{Warning}", w);
        }

        var cache = settings.Method == AnalysisMethod.FullSvd
            ? null
            : new SpectrumCache(CacheRoot.Resolve(settings.CacheFolder), settings.CachePrecision, cacheLogger ?? NullLogger<SpectrumCache>.Instance);
        var published = cache is null || settings.Spectra is null ? null : await OpenPublishedAsync(settings.Spectra, cancellationToken);
        var refusals = new System.Collections.Concurrent.ConcurrentQueue<string>();
        var clock = Stopwatch.StartNew();
        var results = new List<ModuleIntruders>(jobs.Count);
        var cacheMisses = 0;

        // Two modules read ahead at most: memory stays at a few matrices whatever the model's size.
        var channel = Channel.CreateBounded<PreparedModule>(new BoundedChannelOptions(2) { SingleReader = true, SingleWriter = true });
        using var stop = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        var reader = Task.Run(() => PrepareAsync(jobs, baseWeights, cache, published, refusals, channel.Writer, stop.Token), stop.Token);
        try
        {
            await foreach (var prepared in channel.Reader.ReadAllAsync(cancellationToken))
            {
                progress?.Report(new WorkProgress(results.Count, jobs.Count, prepared.Job.Name, clock.Elapsed));
                using var fetched = prepared.Fetched;

                // One scope per module: native memory stays at a few matrices, whatever the model's size. Nothing is
                // awaited inside it, so it opens and closes on the same thread (TorchSharp's scopes are per thread).
                using var scope = NewDisposeScope();
                if (cache is null)
                {
                    results.Add(FullSvd(prepared, settings, device) with { BaseKey = prepared.Key.Hex });
                    continue;
                }

                var spectrum = prepared.Spectrum;
                if (spectrum is null)
                {
                    spectrum = cache.GetOrCompute(prepared.Key, baseWeights, prepared.Job.Base, prepared.Job.Layout, device, out var computed);
                    cacheMisses += computed ? 1 : 0;
                }

                results.Add(Fast(prepared, spectrum, settings, device) with { BaseKey = prepared.Key.Hex });
            }
        }
        finally
        {
            await stop.CancelAsync();
            await reader.ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
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
            Shard = shard,
            Device = device.ToString(),
            Elapsed = clock.Elapsed,
            Modules = results,
            Warnings = allWarnings,
        };
    }

    /// <summary>The reading side of the pipeline: no TorchSharp here, only files and hashes.</summary>
    private static async Task PrepareAsync(IReadOnlyList<ModuleJob> jobs, ModelWeights baseWeights, SpectrumCache? cache, PublishedSpectra? published,
        System.Collections.Concurrent.ConcurrentQueue<string> refusals, ChannelWriter<PreparedModule> writer, CancellationToken cancellationToken)
    {
        try
        {
            foreach (var job in jobs)
            {
                cancellationToken.ThrowIfCancellationRequested();
                // A streamed base tensor is fetched here, ahead of its compute step, and kept until that step is done.
                var fetched = await baseWeights.FetchAsync(job.Base, cancellationToken);
                BaseSpectrum? spectrum = null;
                // The key names the base tensor's content in a shard's report too, so it is computed on every path.
                var key = SpectrumKey.Compute(baseWeights, job.Base, job.Layout);
                if (cache is not null)
                {
                    // On a hit with low-rank factors the base matrix is never read as float32 below, so the bytes the
                    // hash has just paged in are checked for NaN and infinities here.
                    baseWeights.CheckFinite(job.Base);
                    if (cache.TryGet(key, out var hit))
                    {
                        spectrum = hit;
                    }
                    else if (published is not null)
                    {
                        var (rows, cols) = job.Layout == MatrixLayout.Transposed ? (job.Base.Shape[1], job.Base.Shape[0]) : (job.Base.Shape[0], job.Base.Shape[1]);
                        (spectrum, var refusal) = await published.TryFetchAsync(key, rows, cols, cache.Folder, cancellationToken);
                        if (refusal is not null)
                        {
                            refusals.Enqueue($"{job.Name}: {refusal}");
                        }
                    }
                }

                var factors = cache is null ? null : job.Factors?.Invoke();
                var w0 = factors is null ? baseWeights.ReadFloat32(job.Base) : null;
                await writer.WriteAsync(new PreparedModule(job, key, spectrum, factors, w0, fetched), cancellationToken);
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
        var (u0, s0, v0) = spectrum.ToTensors(device);
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

    /// <summary>One matrix to analyse: its base tensor, how to get the tuned one, its low-rank update when it has one, and its cost in the shard split (<see cref="ModuleCost"/>).</summary>
    private sealed record ModuleJob(string Name, TensorInfo Base, MatrixLayout Layout, Func<LowRankFactors>? Factors, Func<Tensor, Device, Tensor> Tuned, double Cost);

    /// <summary>A module's inputs, read; <paramref name="Fetched"/> keeps a streamed base tensor's bytes until it is computed.</summary>
    private sealed record PreparedModule(ModuleJob Job, SpectrumKey Key, BaseSpectrum? Spectrum, LowRankFactors? Factors, float[]? BaseValues, IDisposable Fetched);

    private async Task<PublishedSpectra> OpenPublishedAsync(string location, CancellationToken cancellationToken)
    {
        if (publishedSpectra is null)
        {
            throw new InvalidOperationException("Published spectra need the registries: register them with AddModelGateTorch.");
        }

        var published = await publishedSpectra.OpenAsync(location, cancellationToken);
        logger.LogDebug("{Location}: published spectra opened", published.Display);
        return published;
    }
}
