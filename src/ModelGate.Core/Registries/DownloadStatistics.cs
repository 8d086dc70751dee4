namespace ModelGate.Core.Registries;

/// <summary>What fetching one reference cost: counted as it happens, read when it is done (tests assert on these).</summary>
public sealed class DownloadStatistics
{
    private long bytesDownloaded;
    private int filesDownloaded;
    private int filesReused;
    private int filesResumed;
    private int retries;

    public long BytesDownloaded => Interlocked.Read(ref bytesDownloaded);

    public int FilesDownloaded => filesDownloaded;

    /// <summary>Files that were already in the content store.</summary>
    public int FilesReused => filesReused;

    /// <summary>Downloads that continued from a partial file with a range request.</summary>
    public int FilesResumed => filesResumed;

    public int Retries => retries;

    public void AddBytes(long count) => Interlocked.Add(ref bytesDownloaded, count);

    internal void Downloaded() => Interlocked.Increment(ref filesDownloaded);

    internal void Reused() => Interlocked.Increment(ref filesReused);

    internal void Resumed() => Interlocked.Increment(ref filesResumed);

    public void Retried() => Interlocked.Increment(ref retries);
}
