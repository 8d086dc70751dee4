using System.Net;
using Microsoft.Extensions.Logging;
using ModelGate.Core.Errors;
using Polly;
using Polly.Retry;

namespace ModelGate.Core.Registries;

/// <summary>
/// The one retry policy for registry calls and file downloads: bounded retries with exponential backoff and
/// jitter, on failures that another try can fix (timeouts, 408/429/5xx, connection errors, a cut response).
/// User errors (401/403/404, bad names) and cancellation are never retried.
/// </summary>
public static class RegistryRetry
{
    public static ResiliencePipeline Create(RegistrySettings settings, TimeProvider time, ILogger logger, Action? onRetry = null)
    {
        var builder = new ResiliencePipelineBuilder { TimeProvider = time };
        if (settings.MaxRetries <= 0)
        {
            return builder.Build();
        }

        return builder.AddRetry(new RetryStrategyOptions
        {
            ShouldHandle = new PredicateBuilder().Handle<Exception>(IsTransient),
            MaxRetryAttempts = settings.MaxRetries,
            BackoffType = DelayBackoffType.Exponential,
            UseJitter = true,
            Delay = settings.RetryDelay,
            MaxDelay = settings.MaxRetryDelay,
            DelayGenerator = args => ValueTask.FromResult(
                args.Outcome.Exception is TransientRegistryException { RetryAfter: { } after }
                    ? (TimeSpan?)(after < settings.MaxRetryDelay ? after : settings.MaxRetryDelay)
                    : null),
            OnRetry = args =>
            {
                onRetry?.Invoke();
                logger.LogWarning("registry: try {Attempt} failed ({Reason}); retrying in {Delay:0.0} s",
                    args.AttemptNumber + 1, SecretRedaction.Redact(args.Outcome.Exception?.Message ?? "?"), args.RetryDelay.TotalSeconds);
                return ValueTask.CompletedTask;
            },
        }).Build();
    }

    /// <summary>Whether another try may succeed.</summary>
    public static bool IsTransient(Exception e) => e switch
    {
        UserInputException => false,
        OperationCanceledException => false,
        TransientRegistryException or TimeoutException or HttpRequestException => true,
        // A connection reset mid-body surfaces as IOException (or one wrapped in an AggregateException by the SDK).
        IOException => true,
        AggregateException a => a.InnerExceptions.All(IsTransient),
        _ => false,
    };

    public static bool IsTransientStatus(HttpStatusCode status) =>
        status is HttpStatusCode.RequestTimeout or HttpStatusCode.TooManyRequests || (int)status >= 500;

    /// <summary>Runs <paramref name="work"/> under <paramref name="pipeline"/>; a failure left after every retry becomes a one-line <see cref="RegistryUnavailableException"/>.</summary>
    public static async Task<T> RunAsync<T>(ResiliencePipeline pipeline, string what, Func<CancellationToken, ValueTask<T>> work, CancellationToken cancellationToken)
    {
        try
        {
            return await pipeline.ExecuteAsync(work, cancellationToken);
        }
        catch (Exception e) when (IsTransient(e))
        {
            throw new RegistryUnavailableException($"{what}: failed after retries ({SecretRedaction.Redact(OneLine(e))})", e);
        }
    }

    private static string OneLine(Exception e) => e.Message.ReplaceLineEndings(" ");
}
