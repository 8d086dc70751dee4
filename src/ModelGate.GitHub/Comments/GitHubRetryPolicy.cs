namespace ModelGate.GitHub.Comments;

/// <summary>
/// How long to keep trying a GitHub call that failed for a passing reason (rate limit, 5xx, network). Bounded twice:
/// by attempts and by the total time spent waiting, so a gate never hangs on GitHub. The delay is injectable so
/// tests run in milliseconds and can see the waits.
/// </summary>
public sealed record GitHubRetryPolicy
{
    /// <summary>Tries in all, the first included.</summary>
    public int MaxAttempts { get; init; } = 4;

    /// <summary>The wait before the first retry; it doubles with each further one.</summary>
    public TimeSpan FirstDelay { get; init; } = TimeSpan.FromSeconds(2);

    /// <summary>No single wait is longer than this, whatever a Retry-After header asks.</summary>
    public TimeSpan MaxDelay { get; init; } = TimeSpan.FromSeconds(60);

    /// <summary>The waits together never pass this: a retry that would is not made.</summary>
    public TimeSpan TotalDelayBudget { get; init; } = TimeSpan.FromSeconds(90);

    public Func<TimeSpan, CancellationToken, Task> Delay { get; init; } = Task.Delay;

    /// <summary>The clock x-ratelimit-reset (epoch seconds) is compared with.</summary>
    public TimeProvider Clock { get; init; } = TimeProvider.System;

    public static GitHubRetryPolicy Default { get; } = new();
}
