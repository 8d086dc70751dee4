namespace ModelGate.Core.Registries;

/// <summary>
/// How hard registries try: bounded retries with exponential backoff for timeouts, 429 and 5xx, a per-request
/// timeout, and how many files download at once. Bound from configuration section "Registries"
/// (e.g. MODELGATE_Registries__MaxRetries).
/// </summary>
public sealed class RegistrySettings
{
    /// <summary>Retries after the first try, for one request or one file's download (resumed where it stopped).</summary>
    public int MaxRetries { get; set; } = 5;

    /// <summary>First backoff delay; doubled each retry (with jitter), capped by <see cref="MaxRetryDelay"/>.</summary>
    public TimeSpan RetryDelay { get; set; } = TimeSpan.FromSeconds(1);

    public TimeSpan MaxRetryDelay { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>No response, or no bytes of a response, for this long counts as a transient failure.</summary>
    public TimeSpan Timeout { get; set; } = TimeSpan.FromSeconds(100);

    /// <summary>Files downloaded at once.</summary>
    public int MaxConcurrentDownloads { get; set; } = 4;

    /// <summary>
    /// A registry base an analysis would mirror is streamed instead (only the tensors it uses are fetched, nothing of
    /// the weights is stored) when its weight files would take more than this share of the cache folder's free disk:
    /// a 15 GB base on a runner with 14 GB free is never downloaded whole. 0 streams every such base; 1 or more
    /// mirrors whatever fits.
    /// </summary>
    public double StreamAboveShareOfFreeDisk { get; set; } = 0.5;

    /// <summary>How long to wait for another process that is downloading the same file.</summary>
    public TimeSpan LockWait { get; set; } = TimeSpan.FromMinutes(30);
}
