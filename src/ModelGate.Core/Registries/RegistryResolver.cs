using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using ModelGate.Core.IO;
using ModelGate.Core.Registries.Cache;
using ModelGate.Core.Registries.Streaming;
using ModelGate.Core.Tensors;

namespace ModelGate.Core.Registries;

/// <summary>
/// Turns what the user gave for --base, --adapter or --tuned into a local folder: a plain path as it is; a registry
/// URI resolved to an immutable version, its files brought into the content store (at most
/// <see cref="RegistrySettings.MaxConcurrentDownloads"/> at once) and laid out as a folder of hard links, so the
/// rest of ModelGate reads it unchanged. A version fetched before costs nothing but the resolution (one listing
/// or API call), and nothing at all when the reference is already immutable (a Hub commit hash).
/// </summary>
public sealed class RegistryResolver(RegistryCatalog catalog, IOptions<RegistrySettings> options, TimeProvider time, ILogger<RegistryResolver> logger)
{
    public async Task<ResolvedFolder> ResolveAsync(string reference, string? cacheFolder, IProgress<RegistryProgress>? progress, CancellationToken cancellationToken)
    {
        var parsed = RegistryReference.Parse(reference);
        var registry = catalog.For(parsed);
        var store = new ContentStore(CacheRoot.Resolve(cacheFolder));
        if (registry.ImmutableCacheKey(parsed) is { } immutable && store.FindFolder(immutable) is { } cachedFolder)
        {
            logger.LogDebug("{Reference}: immutable version already cached at {Folder}", parsed.Display, cachedFolder);
            return new ResolvedFolder(InFolder(cachedFolder, registry.EntryOf(parsed)), parsed.Display, parsed.Display, new DownloadStatistics());
        }

        var mirrored = await MirrorAsync(parsed, registry, await registry.ResolveAsync(parsed, cancellationToken), store, progress, cancellationToken);
        return mirrored with { Path = InFolder(mirrored.Path, registry.EntryOf(parsed)) };
    }

    /// <summary>
    /// Only the files <paramref name="pick"/> chooses from the version <paramref name="reference"/> resolves to (one
    /// split of a dataset), fetched and laid out at their paths in a folder of their own.
    /// </summary>
    public async Task<ResolvedFolder> ResolveSubsetAsync(string reference, Func<IReadOnlyList<RemoteFile>, IReadOnlyList<RemoteFile>> pick, string? cacheFolder,
        IProgress<RegistryProgress>? progress, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(pick);
        var parsed = RegistryReference.Parse(reference);
        var registry = catalog.For(parsed);
        var version = await registry.ResolveAsync(parsed, cancellationToken);
        var picked = pick(version.Files);
        var subset = version with { Files = picked, CacheKey = $"subset|{version.CacheKey}|{string.Join('|', picked.Select(f => f.Path))}" };
        return await MirrorAsync(parsed, registry, subset, new ContentStore(CacheRoot.Resolve(cacheFolder)), progress, cancellationToken);
    }

    private static string InFolder(string folder, string? entry) => entry is null ? folder : RemoteFileNames.LocalPath(folder, entry);

    private async Task<ResolvedFolder> MirrorAsync(RegistryReference parsed, IRegistry registry, ResolvedVersion version, ContentStore store,
        IProgress<RegistryProgress>? progress, CancellationToken cancellationToken)
    {
        var statistics = new DownloadStatistics();
        if (version.LocalFolder is { } local)
        {
            return new ResolvedFolder(local, parsed.Display, local, statistics);
        }

        if (store.FindFolder(version.CacheKey) is { } folder)
        {
            logger.LogDebug("{Reference}: {Version} already cached at {Folder}", parsed.Display, version.VersionId, folder);
            return new ResolvedFolder(folder, parsed.Display, version.VersionId, statistics);
        }

        var blobs = await DownloadAsync(registry, version, store, statistics, progress, cancellationToken);
        folder = store.Materialise(version.CacheKey, blobs);
        logger.LogInformation("{Reference}: {Version}, {Files} files ({Downloaded} downloaded, {Bytes} bytes) at {Folder}",
            parsed.Display, version.VersionId, version.Files.Count, statistics.FilesDownloaded, statistics.BytesDownloaded, folder);
        return new ResolvedFolder(folder, parsed.Display, version.VersionId, statistics);
    }

    /// <summary>
    /// Like <see cref="ResolveAsync"/> but without mirroring the weights: only the small files an analysis reads
    /// (config.json, the shard index) are fetched into a folder, and its safetensors files are registered with
    /// <see cref="StreamedFolders"/> to be read by byte ranges, the header when opened and each tensor when used.
    /// A plain folder is used in place, as always. <see cref="ResolvedFolder.Statistics"/> keeps counting the range
    /// reads made later, so it ends up holding everything the analysis fetched.
    /// </summary>
    public async Task<ResolvedFolder> StreamAsync(string reference, string? cacheFolder, IProgress<RegistryProgress>? progress, CancellationToken cancellationToken)
    {
        var parsed = RegistryReference.Parse(reference);
        var registry = catalog.For(parsed);
        return await StreamAsync(parsed, registry, await registry.ResolveAsync(parsed, cancellationToken), new ContentStore(CacheRoot.Resolve(cacheFolder)), progress, cancellationToken);
    }

    private async Task<ResolvedFolder> StreamAsync(RegistryReference parsed, IRegistry registry, ResolvedVersion version, ContentStore store,
        IProgress<RegistryProgress>? progress, CancellationToken cancellationToken)
    {
        var statistics = new DownloadStatistics();
        if (version.LocalFolder is { } local)
        {
            return new ResolvedFolder(local, parsed.Display, local, statistics);
        }

        if (store.FindFolder(version.CacheKey) is { } mirrored)
        {
            // Mirrored by an earlier run: local files cost nothing to read.
            return new ResolvedFolder(mirrored, parsed.Display, version.VersionId, statistics);
        }

        var small = version.Files.Where(f => f.Path is "config.json" || f.Path.EndsWith(".safetensors.index.json", StringComparison.Ordinal)).ToArray();
        var smallVersion = version with { Files = small };
        var blobs = await DownloadAsync(registry, smallVersion, store, statistics, progress, cancellationToken);
        var folder = store.Materialise("streamed|" + version.CacheKey, blobs);
        StreamedFolders.Register(folder, new RegistryShardSource(registry, version, options.Value, time, logger, statistics));
        logger.LogInformation("{Reference}: {Version} streamed ({Files} small files fetched, weights read by range when used) at {Folder}",
            parsed.Display, version.VersionId, small.Length, folder);
        return new ResolvedFolder(folder, parsed.Display, version.VersionId, statistics);
    }

    /// <summary>
    /// A base model for an analysis: mirrored as <see cref="ResolveAsync"/> does, so that later runs read it from the
    /// cache, unless <paramref name="stream"/> asks for streaming or its weight files would take more than
    /// <see cref="RegistrySettings.StreamAboveShareOfFreeDisk"/> of the cache's free disk; then streamed as
    /// <see cref="StreamAsync(string, string?, IProgress{RegistryProgress}?, CancellationToken)"/> does. A version already mirrored is read from the mirror either way.
    /// </summary>
    public async Task<ResolvedFolder> ResolveBaseAsync(string reference, string? cacheFolder, bool stream, IProgress<RegistryProgress>? progress, CancellationToken cancellationToken)
    {
        var parsed = RegistryReference.Parse(reference);
        var registry = catalog.For(parsed);
        var root = CacheRoot.Resolve(cacheFolder);
        var store = new ContentStore(root);
        if (!stream && registry.ImmutableCacheKey(parsed) is { } immutable && store.FindFolder(immutable) is not null)
        {
            return await ResolveAsync(reference, cacheFolder, progress, cancellationToken);
        }

        var version = await registry.ResolveAsync(parsed, cancellationToken);
        if (stream || version.LocalFolder is not null || store.FindFolder(version.CacheKey) is not null)
        {
            return stream ? await StreamAsync(parsed, registry, version, store, progress, cancellationToken) : await MirrorAsync(parsed, registry, version, store, progress, cancellationToken);
        }

        var weights = version.Files.Where(f => f.Path.EndsWith(".safetensors", StringComparison.Ordinal)).Sum(f => Math.Max(f.Size, 0));
        if (FreeBytes(root) is { } free && weights > options.Value.StreamAboveShareOfFreeDisk * free)
        {
            logger.LogInformation("{Reference}: its weights ({Weights} bytes) would take more than {Share:P0} of the {Free} bytes free under {Cache}; streamed instead of mirrored",
                parsed.Display, weights, options.Value.StreamAboveShareOfFreeDisk, free, root);
            return await StreamAsync(parsed, registry, version, store, progress, cancellationToken);
        }

        return await MirrorAsync(parsed, registry, version, store, progress, cancellationToken);
    }

    /// <summary>Free bytes on the disk that holds <paramref name="folder"/> (or its nearest existing parent); null when the system cannot say.</summary>
    private static long? FreeBytes(string folder)
    {
        try
        {
            var existing = new DirectoryInfo(Path.GetFullPath(folder));
            while (existing is { Exists: false })
            {
                existing = existing.Parent;
            }

            return existing is null ? null : new DriveInfo(existing.FullName).AvailableFreeSpace;
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or ArgumentException)
        {
            return null;
        }
    }

    private async Task<IReadOnlyDictionary<string, string>> DownloadAsync(
        IRegistry registry, ResolvedVersion version, ContentStore store, DownloadStatistics statistics,
        IProgress<RegistryProgress>? progress, CancellationToken cancellationToken)
    {
        var settings = options.Value;
        var downloader = new FileDownloader(store, settings, time, logger);
        var totalBytes = version.Files.Sum(f => Math.Max(f.Size, 0));
        long bytesDone = 0;
        var filesDone = 0;
        var blobs = new Dictionary<string, string>(StringComparer.Ordinal);
        using var gate = new SemaphoreSlim(Math.Max(1, settings.MaxConcurrentDownloads));
        // The first file that fails stops the others: its error is the one reported, and nothing keeps downloading.
        using var failed = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);

        void Report(string file) => progress?.Report(new RegistryProgress(
            version.Reference.Display, file, Interlocked.Read(ref bytesDone), totalBytes, Volatile.Read(ref filesDone), version.Files.Count));

        async Task FetchOne(RemoteFile file)
        {
            await gate.WaitAsync(failed.Token);
            try
            {
                var sha = await downloader.FetchAsync(registry, version, file, statistics, n =>
                {
                    Interlocked.Add(ref bytesDone, n);
                    Report(file.Path);
                }, failed.Token);
                lock (blobs)
                {
                    blobs[file.Path] = sha;
                }

                Interlocked.Increment(ref filesDone);
                Report(file.Path);
            }
            catch (Exception e) when (e is not OperationCanceledException)
            {
                await failed.CancelAsync();
                throw;
            }
            finally
            {
                gate.Release();
            }
        }

        Report("");
        var all = Task.WhenAll(version.Files.Select(FetchOne));
        try
        {
            await all;
        }
        catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested && all.Exception is { } errors)
        {
            // Surface the failure that stopped the others, not the cancellations it caused.
            throw errors.InnerExceptions.FirstOrDefault(e => e is not OperationCanceledException) ?? errors.InnerExceptions[0];
        }

        return blobs;
    }
}
