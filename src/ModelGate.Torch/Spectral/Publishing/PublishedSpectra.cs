using Microsoft.Extensions.Logging;
using ModelGate.Core.Errors;
using ModelGate.Core.Registries;
using ModelGate.Core.Spectral.Cache;
using ModelGate.Core.Spectral.Publishing;
using ModelGate.Torch.Spectral.Cache;

namespace ModelGate.Torch.Spectral.Publishing;

/// <summary>
/// One analysis' view of a published spectra location: the manifest read once, then each entry fetched when its
/// module comes up (the analysis reads one or two modules ahead), verified like a local cache entry (structure,
/// format, key and data checksum) and let go. Entries are not kept on this machine: the registry is the cache, so a
/// runner's disk holds at most the entries in flight, each as a temporary file deleted as soon as it is read.
/// </summary>
public sealed class PublishedSpectra
{
    private readonly IRegistry registry;
    private readonly ResolvedVersion version;
    private readonly SpectraManifest manifest;
    private readonly RegistrySettings settings;
    private readonly TimeProvider time;
    private readonly ILogger logger;
    private readonly DownloadStatistics statistics = new();
    private int fetched;

    internal PublishedSpectra(IRegistry registry, RegistryReference location, SpectraManifest manifest, RegistrySettings settings, TimeProvider time, ILogger logger)
    {
        this.registry = registry;
        this.manifest = manifest;
        this.settings = settings;
        this.time = time;
        this.logger = logger;
        version = new ResolvedVersion(location, location.Display, "spectra|" + location.Display, []);
    }

    /// <summary>The location as reports show it.</summary>
    public string Display => version.Reference.Display;

    /// <summary>How many entries were fetched and used.</summary>
    public int Fetched => fetched;

    /// <summary>Bytes fetched so far (entries, including any refused).</summary>
    public long BytesFetched => statistics.BytesDownloaded;

    /// <summary>Whether the manifest lists no entry at all (nothing published there yet).</summary>
    public bool IsEmpty => manifest.Entries.Count == 0;

    /// <summary>
    /// The published spectrum for <paramref name="key"/>, or null when none is listed or the one fetched fails
    /// verification (then Refusal says why, and the caller computes it instead).
    /// </summary>
    public async Task<(BaseSpectrum? Spectrum, string? Refusal)> TryFetchAsync(SpectrumKey key, long rows, long cols, string scratchFolder, CancellationToken cancellationToken)
    {
        if (!manifest.Entries.TryGetValue(key.Hex, out var entry) || entry.Rows != rows || entry.Cols != cols)
        {
            return (null, null);
        }

        var name = key.Hex + SpectrumCache.EntryExtension;
        Directory.CreateDirectory(scratchFolder);
        // The cache's temporary-file pattern: if this process is killed, `cache prune` clears it later.
        var temp = Path.Combine(scratchFolder, $"{name}.tmp-{Guid.NewGuid():N}");
        try
        {
            await DownloadAsync(new RemoteFile(name, entry.Bytes, null, null, null, null, $"spectrum:{Display}/{name}"), temp, cancellationToken);
            var spectrum = SpectrumCache.Read(temp, key);
            Interlocked.Increment(ref fetched);
            return (spectrum, null);
        }
        catch (Exception e) when (e is InvalidDataException or UserInputException or IOException)
        {
            var refusal = $"{Display}/{name}: published spectrum refused ({e.Message}); computed locally instead";
            logger.LogWarning("{Refusal}", refusal);
            return (null, refusal);
        }
        finally
        {
            File.Delete(temp);
        }
    }

    private async Task DownloadAsync(RemoteFile file, string temp, CancellationToken cancellationToken)
    {
        var pipeline = RegistryRetry.Create(settings, time, logger, statistics.Retried);
        await RegistryRetry.RunAsync(pipeline, $"{Display}/{file.Path}", async token =>
        {
            await using var read = await registry.OpenReadAsync(version, file, 0, null, token);
            await using var output = new FileStream(temp, FileMode.Create, FileAccess.Write, FileShare.None, 1 << 16, useAsync: true);
            var buffer = new byte[1 << 16];
            int n;
            while ((n = await read.Content.ReadAsync(buffer, token)) > 0)
            {
                await output.WriteAsync(buffer.AsMemory(0, n), token);
                statistics.AddBytes(n);
            }

            return true;
        }, cancellationToken);
    }
}
