using System.Globalization;
using System.Net;
using Octokit;

namespace ModelGate.GitHub.Comments;

/// <summary>
/// Runs one GitHub call with bounded retries, following GitHub's guidance on rate limits ("Rate limits for the REST
/// API", best practices): a Retry-After header is waited out; with x-ratelimit-remaining 0 the wait lasts until
/// x-ratelimit-reset; a secondary limit without either waits at least a minute; 5xx and network failures back off
/// exponentially. A wait that would pass the policy's budget is not made: the call fails at once, saying why.
/// </summary>
public sealed class GitHubRetry(GitHubRetryPolicy policy, SecretRedactor redactor)
{
    private static readonly TimeSpan SecondaryLimitWait = TimeSpan.FromSeconds(60);

    public async Task<T> RunAsync<T>(string what, Func<Task<T>> call, CancellationToken cancellationToken)
    {
        var waited = TimeSpan.Zero;
        for (var attempt = 1; ; attempt++)
        {
            cancellationToken.ThrowIfCancellationRequested();
            Failure failure;
            try
            {
                return await call().ConfigureAwait(false);
            }
            catch (ApiException e)
            {
                failure = Classify(e);
            }
            catch (HttpRequestException e)
            {
                failure = new Failure(GitHubFailureKind.Network, null, e.Message, null);
            }
            catch (TaskCanceledException e) when (!cancellationToken.IsCancellationRequested)
            {
                failure = new Failure(GitHubFailureKind.Network, null, $"no answer in time ({e.Message})", null);
            }

            var retryable = failure.Kind is GitHubFailureKind.RateLimited or GitHubFailureKind.ServerError or GitHubFailureKind.Network;
            var detail = Describe(failure);
            if (!retryable)
            {
                throw Fail(failure, attempt, $"{what}: {detail}");
            }

            if (attempt >= policy.MaxAttempts)
            {
                throw Fail(failure, attempt, $"{what}: gave up after {attempt} attempts over {Seconds(waited)} of waiting; last: {detail}");
            }

            var backoff = policy.FirstDelay * Math.Pow(2, attempt - 1);
            var wait = failure.Wait is { } asked ? Max(asked, TimeSpan.Zero) : backoff > policy.MaxDelay ? policy.MaxDelay : backoff;
            if (wait > policy.MaxDelay || waited + wait > policy.TotalDelayBudget)
            {
                var reason = failure.Wait is not null && wait > policy.MaxDelay
                    ? $"GitHub asks to wait {Seconds(wait)}, longer than the {Seconds(policy.MaxDelay)} allowed for one wait"
                    : $"waiting {Seconds(wait)} more would pass the {Seconds(policy.TotalDelayBudget)} retry budget";
                throw Fail(failure, attempt, $"{what}: gave up after {attempt} attempt{(attempt == 1 ? "" : "s")} ({reason}); last: {detail}");
            }

            await policy.Delay(wait, cancellationToken).ConfigureAwait(false);
            waited += wait;
        }
    }

    private GitHubCallException Fail(Failure failure, int attempts, string message) =>
        new(failure.Kind, failure.Status, attempts, redactor.Redact(message.ReplaceLineEndings(" ")));

    private Failure Classify(ApiException e)
    {
        var status = (int)e.StatusCode;
        var headers = e.HttpResponse?.Headers;
        var message = e.ApiError?.Message ?? e.Message;
        var retryAfter = Header(headers, "Retry-After") is { } ra && int.TryParse(ra, NumberStyles.Integer, CultureInfo.InvariantCulture, out var seconds)
            ? TimeSpan.FromSeconds(seconds)
            : (TimeSpan?)null;

        if (status == 429)
        {
            return new Failure(GitHubFailureKind.RateLimited, status, message, retryAfter);
        }

        if (status == (int)HttpStatusCode.Forbidden)
        {
            if (Header(headers, "x-ratelimit-remaining") == "0")
            {
                var untilReset = Header(headers, "x-ratelimit-reset") is { } reset && long.TryParse(reset, NumberStyles.Integer, CultureInfo.InvariantCulture, out var epoch)
                    ? DateTimeOffset.FromUnixTimeSeconds(epoch) - policy.Clock.GetUtcNow() + TimeSpan.FromSeconds(1)
                    : SecondaryLimitWait;
                return new Failure(GitHubFailureKind.RateLimited, status, message, retryAfter ?? untilReset);
            }

            if (retryAfter is not null || e is SecondaryRateLimitExceededException or AbuseException || message.Contains("rate limit", StringComparison.OrdinalIgnoreCase))
            {
                return new Failure(GitHubFailureKind.RateLimited, status, message, retryAfter ?? SecondaryLimitWait);
            }

            return new Failure(GitHubFailureKind.Forbidden, status, message, null);
        }

        var kind = status switch
        {
            401 => GitHubFailureKind.Unauthorized,
            404 => GitHubFailureKind.NotFound,
            >= 500 and <= 599 => GitHubFailureKind.ServerError,
            _ => GitHubFailureKind.Other,
        };
        return new Failure(kind, status, message, null);
    }

    private static string Describe(Failure failure)
    {
        var status = failure.Status is { } s ? $"HTTP {s} " : "";
        var text = string.IsNullOrWhiteSpace(failure.Message) ? "" : failure.Message.Trim();
        return failure.Kind switch
        {
            GitHubFailureKind.RateLimited => $"{status}rate limited ({text})",
            GitHubFailureKind.ServerError => $"{status}server error ({text})",
            GitHubFailureKind.Network => $"no connection ({text})",
            _ => $"{status}{text}".Trim(),
        };
    }

    private static string? Header(IReadOnlyDictionary<string, string>? headers, string name)
    {
        if (headers is null)
        {
            return null;
        }

        foreach (var (key, value) in headers)
        {
            if (string.Equals(key, name, StringComparison.OrdinalIgnoreCase))
            {
                return value?.Trim();
            }
        }

        return null;
    }

    private static TimeSpan Max(TimeSpan a, TimeSpan b) => a > b ? a : b;

    private static string Seconds(TimeSpan t) => $"{t.TotalSeconds.ToString("0.#", CultureInfo.InvariantCulture)} s";

    private sealed record Failure(GitHubFailureKind Kind, int? Status, string Message, TimeSpan? Wait);
}
