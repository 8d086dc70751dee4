using System.Runtime.CompilerServices;
using Microsoft.Extensions.Logging;

namespace ModelGate.Core.Registries.Cache;

/// <summary>
/// Brings one remote file into the content store: skipped when its bytes are already there; otherwise downloaded
/// into a partial file under a lock, resumed with a range request after a cut, checked against every checksum the
/// registry gives, and renamed into the store. A stalled response counts as a failure; failures are retried with
/// backoff, a checksum mismatch by downloading again from the start.
/// </summary>
internal sealed class FileDownloader(ContentStore store, RegistrySettings settings, TimeProvider time, ILogger logger)
{
    private const int BufferSize = 1 << 16;

    public async Task<string> FetchAsync(
        IRegistry registry, ResolvedVersion version, RemoteFile file, DownloadStatistics statistics,
        Action<long> bytesArrived, CancellationToken cancellationToken)
    {
        if (Known(file) is { } cached)
        {
            statistics.Reused();
            bytesArrived(Math.Max(file.Size, 0));
            return cached;
        }

        var partial = store.PartialPath(file.SourceKey);
        using var held = await ContentStore.LockAsync(partial, settings.LockWait, time, cancellationToken);
        if (Known(file) is { } fetchedMeanwhile)
        {
            // Another process downloaded it while this one waited for the lock.
            statistics.Reused();
            bytesArrived(Math.Max(file.Size, 0));
            return fetchedMeanwhile;
        }

        var what = $"{version.Reference.Display}: {file.Path}";
        var pipeline = RegistryRetry.Create(settings, time, logger, statistics.Retried);
        var counted = new StrongBox<long>(0);
        var sha = await RegistryRetry.RunAsync(pipeline, what, async token =>
        {
            await DownloadIntoAsync(registry, version, file, partial, statistics, counted, bytesArrived, token);
            var sums = await FileChecksums.ComputeAsync(partial, token);
            if (sums.Mismatch(file) is { } mismatch)
            {
                // Never keep bytes that disagree with the registry: start again from nothing.
                File.Delete(partial);
                bytesArrived(-counted.Value);
                counted.Value = 0;
                throw new TransientRegistryException($"{what}: downloaded bytes do not match ({mismatch})");
            }

            return sums.Sha256;
        }, cancellationToken);

        store.Commit(partial, sha);
        store.RecordSource(file.SourceKey, sha);
        statistics.Downloaded();
        return sha;
    }

    private string? Known(RemoteFile file) =>
        file.Sha256 is { } sha && store.HasBlob(sha.ToLowerInvariant()) ? sha.ToLowerInvariant() : store.FindSource(file.SourceKey);

    /// <summary>
    /// Appends the rest of <paramref name="file"/> to <paramref name="partial"/>. <paramref name="counted"/> is what
    /// the progress display has been told of this file; it follows the partial file through cuts and restarts.
    /// </summary>
    private async Task DownloadIntoAsync(
        IRegistry registry, ResolvedVersion version, RemoteFile file, string partial, DownloadStatistics statistics,
        StrongBox<long> counted, Action<long> bytesArrived, CancellationToken cancellationToken)
    {
        var offset = File.Exists(partial) ? new FileInfo(partial).Length : 0;
        if (file.Size >= 0 && offset > file.Size)
        {
            offset = 0;
        }

        // What the progress display has counted must follow the partial file (it may have been truncated).
        bytesArrived(offset - counted.Value);
        counted.Value = offset;
        if (file.Size >= 0 && offset == file.Size)
        {
            return;
        }

        using var stall = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        stall.CancelAfter(settings.Timeout);
        try
        {
            await using var read = await registry.OpenReadAsync(version, file, offset, null, stall.Token);
            if (read.Offset != offset)
            {
                // The registry ignored the range: take the whole file again.
                bytesArrived(read.Offset - counted.Value);
                counted.Value = read.Offset;
                offset = read.Offset;
            }
            else if (offset > 0)
            {
                statistics.Resumed();
                logger.LogInformation("{File}: resuming at byte {Offset}", file.Path, offset);
            }

            await using var output = new FileStream(partial, offset == 0 ? FileMode.Create : FileMode.Append, FileAccess.Write, FileShare.None, BufferSize, useAsync: true);
            var buffer = new byte[BufferSize];
            int n;
            while ((n = await read.Content.ReadAsync(buffer, stall.Token)) > 0)
            {
                await output.WriteAsync(buffer.AsMemory(0, n), cancellationToken);
                statistics.AddBytes(n);
                bytesArrived(n);
                counted.Value += n;
                stall.CancelAfter(settings.Timeout);
            }

            await output.FlushAsync(cancellationToken);
        }
        catch (OperationCanceledException e) when (!cancellationToken.IsCancellationRequested)
        {
            throw new TimeoutException($"{version.Reference.Display}: {file.Path}: no data for {settings.Timeout.TotalSeconds:0} s", e);
        }
    }
}
