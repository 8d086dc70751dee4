using System.Net;
using ModelGate.GitHub.Comments;
using Octokit;

namespace ModelGate.GitHub.Tests.Comments;

public sealed class GitHubRetryTests
{
    private readonly List<TimeSpan> _waits = [];

    [Fact]
    public async Task Run_BackoffPastTheSingleWaitCap_IsCappedAndStopsAtTheTotalBudget()
    {
        var retry = Retry(new GitHubRetryPolicy { MaxAttempts = 10, FirstDelay = TimeSpan.FromSeconds(10), MaxDelay = TimeSpan.FromSeconds(15), TotalDelayBudget = TimeSpan.FromSeconds(40) });
        var calls = 0;

        var error = await Assert.ThrowsAsync<GitHubCallException>(() => retry.RunAsync<int>("listing", () => { calls++; throw new ApiException("Service Unavailable", HttpStatusCode.ServiceUnavailable); }, CancellationToken.None));

        Assert.Equal([TimeSpan.FromSeconds(10), TimeSpan.FromSeconds(15), TimeSpan.FromSeconds(15)], _waits);
        Assert.Equal(4, calls);
        Assert.Equal(GitHubFailureKind.ServerError, error.Kind);
        Assert.Contains("waiting 15 s more would pass the 40 s retry budget", error.Message);
    }

    [Theory]
    [InlineData(HttpStatusCode.Forbidden, GitHubFailureKind.Forbidden)]
    [InlineData(HttpStatusCode.Unauthorized, GitHubFailureKind.Unauthorized)]
    [InlineData(HttpStatusCode.NotFound, GitHubFailureKind.NotFound)]
    [InlineData((HttpStatusCode)422, GitHubFailureKind.Other)]
    public async Task Run_ClientErrors_AreNotRetried(HttpStatusCode status, GitHubFailureKind kind)
    {
        var retry = Retry(GitHubRetryPolicy.Default with { Delay = Record });
        var calls = 0;

        var error = await Assert.ThrowsAsync<GitHubCallException>(() => retry.RunAsync<int>("posting", () => { calls++; throw new ApiException("nope", status); }, CancellationToken.None));

        Assert.Equal(1, calls);
        Assert.Empty(_waits);
        Assert.Equal(kind, error.Kind);
        Assert.Equal((int)status, error.StatusCode);
    }

    [Fact]
    public async Task Run_NoConnection_IsRetriedThenReported()
    {
        var retry = Retry(GitHubRetryPolicy.Default with { MaxAttempts = 2, Delay = Record });

        var error = await Assert.ThrowsAsync<GitHubCallException>(() => retry.RunAsync<int>("listing", () => throw new HttpRequestException("Connection refused (127.0.0.1:1)"), CancellationToken.None));

        Assert.Equal(GitHubFailureKind.Network, error.Kind);
        Assert.Equal("listing: gave up after 2 attempts over 2 s of waiting; last: no connection (Connection refused (127.0.0.1:1))", error.Message);
    }

    [Fact]
    public async Task Run_Cancelled_StopsWithoutAnotherTry()
    {
        using var cancel = new CancellationTokenSource();
        var retry = new GitHubRetry(
            GitHubRetryPolicy.Default with
            {
                Delay = (wait, token) =>
                {
                    cancel.Cancel();
                    return Task.Delay(wait, token);
                },
            },
            new SecretRedactor());
        var calls = 0;

        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => retry.RunAsync<int>("listing", () => { calls++; throw new ApiException("down", HttpStatusCode.BadGateway); }, cancel.Token));

        Assert.Equal(1, calls);
    }

    private GitHubRetry Retry(GitHubRetryPolicy policy) => new(policy with { Delay = Record }, new SecretRedactor());

    private Task Record(TimeSpan wait, CancellationToken cancellationToken)
    {
        _waits.Add(wait);
        return Task.CompletedTask;
    }
}
