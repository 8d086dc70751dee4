namespace ModelGate.Core.Registries;

/// <summary>
/// A failure worth retrying (429, 5xx, a stalled or cut response, a checksum mismatch after a cut): the retry
/// pipeline waits (honouring <see cref="RetryAfter"/>) and tries again, resuming downloads where they stopped.
/// </summary>
public sealed class TransientRegistryException(string message, TimeSpan? retryAfter = null, Exception? inner = null)
    : Exception(message, inner)
{
    public TimeSpan? RetryAfter { get; } = retryAfter;
}
