using ModelGate.GitHub.Comments;
using ModelGate.Testing.GitHub;
using ModelGate.Testing.GitHub.StandIn;

namespace ModelGate.GitHub.Tests;

[Trait("Category", "Integration")]
public sealed class PullRequestCommentTests
{
    [Fact]
    public async Task Comment_TwoRuns_CreatesOneCommentThenUpdatesItInPlace()
    {
        using var api = GitHubStandIn.Start();
        using var run = new ActionsRun(api.ApiUrl, pullRequest: 7);

        var first = await run.PublishAsync(Publications.Failing("first run"));
        var second = await run.PublishAsync(Publications.Failing("second run"));

        Assert.Equal(CommentAction.Created, first.Comment?.Action);
        Assert.Equal(CommentAction.Updated, second.Comment?.Action);
        Assert.Equal(first.Comment!.Id, second.Comment!.Id);
        Assert.Equal(second.Comment.Url, run.Outputs()["comment-url"]);
        var body = Assert.Single(api.CommentBodies(7));
        Assert.Contains("# second run", body);
        Assert.DoesNotContain("first run", body);
        Assert.Single(api.Requests, r => r.Method == "POST");
        Assert.Single(api.Requests, r => r.Method == "PATCH" && r.Path.EndsWith($"/issues/comments/{first.Comment.Id}", StringComparison.Ordinal));
        Assert.All(api.Requests, r => Assert.Equal($"token {ActionsRun.Token}", r.Authorization, ignoreCase: true));
    }

    [Fact]
    public async Task Comment_SameReportAgain_SendsNoEdit()
    {
        using var api = GitHubStandIn.Start();
        using var run = new ActionsRun(api.ApiUrl);

        await run.PublishAsync(Publications.Passing());
        var again = await run.PublishAsync(Publications.Passing());

        Assert.Equal(CommentAction.Unchanged, again.Comment?.Action);
        Assert.DoesNotContain(api.Requests, r => r.Method == "PATCH");
        Assert.Single(api.CommentBodies(7));
    }

    [Fact]
    public async Task Comment_SecondLabel_GetsItsOwnCommentAndNeitherOverwritesTheOther()
    {
        using var api = GitHubStandIn.Start();
        using var run = new ActionsRun(api.ApiUrl);

        await run.PublishAsync(Publications.Failing("adapter A, run 1"), adapters: ["out/adapter-a"]);
        await run.PublishAsync(Publications.Passing(), adapters: ["out/adapter-b"]);
        await run.PublishAsync(Publications.Failing("adapter A, run 2"), adapters: ["out/adapter-a"]);

        var bodies = api.CommentBodies(7);
        Assert.Equal(2, bodies.Count);
        Assert.Contains("adapter A, run 2", bodies[0]);
        Assert.Contains(new CommentMarker("gate/adapter-a").Text, bodies[0]);
        Assert.Contains("PASS", bodies[1]);
        Assert.Contains(new CommentMarker("gate/adapter-b").Text, bodies[1]);
    }

    [Fact]
    public async Task Comment_ListingSpansPages_FindsItsCommentOnALaterPageInsteadOfAddingOne()
    {
        using var api = GitHubStandIn.Start();
        api.MaxPageSize = 2;
        using var run = new ActionsRun(api.ApiUrl);
        api.AddComment(7, "looks good");
        api.AddComment(7, "what about layer 3?");
        api.AddComment(7, "<!-- modelgate:report label=\"other/job\" -->\nsomeone else's report");
        api.AddComment(7, "ping");

        await run.PublishAsync(Publications.Failing("run 1"), label: "gate/main");
        api.AddComment(7, "another review comment");
        api.AddComment(7, "and one more");
        var second = await run.PublishAsync(Publications.Failing("run 2"), label: "gate/main");

        Assert.Equal(CommentAction.Updated, second.Comment?.Action);
        var bodies = api.CommentBodies(7);
        Assert.Equal(7, bodies.Count);
        Assert.Contains("run 2", bodies[4]);
        Assert.Equal("<!-- modelgate:report label=\"other/job\" -->\nsomeone else's report", bodies[2]);
        Assert.Contains(api.Requests, r => r.Method == "GET" && r.Query.Contains("page=4", StringComparison.Ordinal));
    }

    [Fact]
    public async Task Comment_ForkReadOnlyToken_FallsBackToTheSummaryWithAWarning()
    {
        using var api = GitHubStandIn.Start();
        api.ReadOnlyToken = true;
        using var run = new ActionsRun(api.ApiUrl);

        var result = await run.PublishAsync(Publications.Failing());

        Assert.Null(result.Comment);
        Assert.Empty(api.CommentBodies(7));
        var warning = Assert.Single(result.Warnings);
        Assert.Contains("HTTP 403", warning);
        Assert.Contains("forks", warning);
        Assert.Contains("job summary", warning);
        Assert.Contains("verdict is unaffected", warning);
        Assert.Contains("::warning title=ModelGate PR comment::could not comment on pull request #7", run.Log.ToString());
        Assert.Contains("6 intruder dimensions in 2 of 6 modules", run.Summary());
        Assert.Equal("fail", run.Outputs()["verdict"]);
        Assert.Single(api.Requests, r => r.Method == "POST");
        Assert.Empty(run.Waits);
    }

    [Fact]
    public async Task Comment_RateLimited429ThenAnswered_WaitsRetryAfterAndPosts()
    {
        using var api = GitHubStandIn.Start();
        using var run = new ActionsRun(api.ApiUrl);
        api.FailNext(1, 429, "You have exceeded a secondary rate limit", new Dictionary<string, string> { ["Retry-After"] = "3" }, method: "POST");

        var result = await run.PublishAsync(Publications.Failing());

        Assert.Equal(CommentAction.Created, result.Comment?.Action);
        Assert.Equal([TimeSpan.FromSeconds(3)], run.Waits);
        Assert.Single(api.CommentBodies(7));
        Assert.Empty(result.Warnings);
    }

    [Fact]
    public async Task Comment_PrimaryRateLimitExhausted_WaitsUntilTheResetTime()
    {
        using var api = GitHubStandIn.Start();
        using var run = new ActionsRun(api.ApiUrl);
        var reset = run.Now.AddSeconds(20).ToUnixTimeSeconds().ToString(System.Globalization.CultureInfo.InvariantCulture);
        api.FailNext(1, 403, "API rate limit exceeded for installation", new Dictionary<string, string> { ["x-ratelimit-remaining"] = "0", ["x-ratelimit-reset"] = reset });

        var result = await run.PublishAsync(Publications.Failing());

        Assert.Equal(CommentAction.Created, result.Comment?.Action);
        Assert.Equal([TimeSpan.FromSeconds(21)], run.Waits);
    }

    [Fact]
    public async Task Comment_RateLimitResetBeyondTheBudget_GivesUpAtOnceWithoutWaiting()
    {
        using var api = GitHubStandIn.Start();
        using var run = new ActionsRun(api.ApiUrl);
        var reset = run.Now.AddMinutes(40).ToUnixTimeSeconds().ToString(System.Globalization.CultureInfo.InvariantCulture);
        api.FailNext(1, 403, "API rate limit exceeded", new Dictionary<string, string> { ["x-ratelimit-remaining"] = "0", ["x-ratelimit-reset"] = reset });

        var result = await run.PublishAsync(Publications.Failing());

        Assert.Null(result.Comment);
        Assert.Empty(run.Waits);
        Assert.Contains("rate limited", Assert.Single(result.Warnings));
        Assert.Contains("longer than the 60 s allowed", result.Warnings[0]);
        Assert.Single(api.Requests);
    }

    [Fact]
    public async Task Comment_ServerErrorsPersist_GivesUpAfterBoundedRetriesWithAClearMessage()
    {
        using var api = GitHubStandIn.Start();
        using var run = new ActionsRun(api.ApiUrl);
        api.FailNext(50, 500, "Internal Server Error");

        var result = await run.PublishAsync(Publications.Failing());

        Assert.Null(result.Comment);
        Assert.Equal(4, api.Requests.Count);
        Assert.Equal([TimeSpan.FromSeconds(2), TimeSpan.FromSeconds(4), TimeSpan.FromSeconds(8)], run.Waits);
        var warning = Assert.Single(result.Warnings);
        Assert.Contains("gave up after 4 attempts over 14 s of waiting; last: HTTP 500 server error (Internal Server Error)", warning);
        Assert.Contains("The report is in the job summary; the gate's verdict is unaffected", warning);
        Assert.Equal("fail", run.Outputs()["verdict"]);
    }

    [Fact]
    public async Task Comment_ServerErrorThenAnswered_RetriesOnceAndPostsOnce()
    {
        using var api = GitHubStandIn.Start();
        using var run = new ActionsRun(api.ApiUrl);
        api.FailNext(1, 502, "Bad Gateway", method: "POST");

        var result = await run.PublishAsync(Publications.Failing());

        Assert.Equal(CommentAction.Created, result.Comment?.Action);
        Assert.Equal([TimeSpan.FromSeconds(2)], run.Waits);
        Assert.Single(api.CommentBodies(7));
    }

    [Fact]
    public async Task Comment_EnterpriseServerApiUrl_SendsEveryRequestUnderApiV3()
    {
        using var api = GitHubStandIn.Start(pathPrefix: "/api/v3");
        using var run = new ActionsRun(api.ApiUrl);
        Assert.EndsWith("/api/v3", api.ApiUrl, StringComparison.Ordinal);

        var first = await run.PublishAsync(Publications.Failing());
        var second = await run.PublishAsync(Publications.Passing());

        Assert.Equal(CommentAction.Created, first.Comment?.Action);
        Assert.Equal(CommentAction.Updated, second.Comment?.Action);
        Assert.All(api.Requests, r => Assert.StartsWith("/api/v3/repos/octo/models/issues/", r.Path, StringComparison.Ordinal));
    }

    [Fact]
    public async Task Comment_IssueCommentEventOnAPullRequest_CommentsOnThatPullRequest()
    {
        using var api = GitHubStandIn.Start();
        using var run = new ActionsRun(api.ApiUrl, eventName: "issue_comment", pullRequest: 31);

        var result = await run.PublishAsync(Publications.Passing());

        Assert.Equal(CommentAction.Created, result.Comment?.Action);
        Assert.Single(api.CommentBodies(31));
    }

    [Fact]
    public async Task Comment_PushEvent_IsSkippedWithAnInfoLineAndTheSummaryIsStillWritten()
    {
        using var api = GitHubStandIn.Start();
        using var run = new ActionsRun(api.ApiUrl, eventName: "push");

        var result = await run.PublishAsync(Publications.Failing());

        Assert.Null(result.Comment);
        Assert.Empty(api.Requests);
        Assert.Empty(result.Warnings);
        Assert.Contains("modelgate: no PR comment: the push event has no pull request; the report is in the job summary", run.Log.ToString());
        Assert.Contains("# Intruder gate: FAIL", run.Summary());
    }

    [Fact]
    public async Task Comment_NoToken_IsSkippedWithAWarningSayingHowToPassOne()
    {
        using var api = GitHubStandIn.Start();
        using var run = new ActionsRun(api.ApiUrl);
        run["GITHUB_TOKEN"] = null;

        var result = await run.PublishAsync(Publications.Failing());

        Assert.Null(result.Comment);
        Assert.Empty(api.Requests);
        Assert.Contains("GITHUB_TOKEN is not set", Assert.Single(result.Warnings));
    }

    [Fact]
    public async Task Comment_ApiUrlNotAUrl_IsSkippedWithAWarningNamingTheVariable()
    {
        using var run = new ActionsRun("ftp:/nowhere");

        var result = await run.PublishAsync(Publications.Failing());

        Assert.Null(result.Comment);
        Assert.Contains("GITHUB_API_URL must be an absolute http(s) URL, got 'ftp:/nowhere'", Assert.Single(result.Warnings));
        Assert.Equal("fail", run.Outputs()["verdict"]);
    }

    [Fact]
    public async Task Comment_LongReport_IsCutAtASectionBoundaryUnder60000CharactersAndPointsToTheSummary()
    {
        using var api = GitHubStandIn.Start();
        using var run = new ActionsRun(api.ApiUrl);
        var report = Publications.Long(sections: 40, sectionChars: 5_000);
        Assert.True(report.Markdown.Length > 150_000);

        var result = await run.PublishAsync(report);

        Assert.True(result.CommentTruncated);
        var body = Assert.Single(api.CommentBodies(7));
        Assert.InRange(body.Length, 50_000, 60_000);
        var notice = body.IndexOf("> **The report is cut here**", StringComparison.Ordinal);
        Assert.True(notice > 0);
        Assert.Contains("[job summary](https://github.example/octo/models/actions/runs/4242)", body[notice..]);
        var kept = body[..notice];
        Assert.EndsWith("```\n\n\n", kept);
        Assert.StartsWith(kept[(kept.IndexOf('\n') + 1)..^1], report.Markdown, StringComparison.Ordinal);
        Assert.Equal(report.Markdown, run.Summary());
        Assert.False(result.SummaryTruncated);
    }

    [Fact]
    public async Task Publish_ServerEchoesTheToken_TokenAppearsInNoOutput()
    {
        using var api = GitHubStandIn.Start();
        using var run = new ActionsRun(api.ApiUrl);
        api.FailNext(10, 500, $"upstream said: Authorization: token {ActionsRun.Token} rejected");

        var failed = await run.PublishAsync(Publications.Failing());
        api.ReadOnlyToken = true;
        var forbidden = await run.PublishAsync(Publications.Failing());

        Assert.All(api.Requests, r => Assert.Equal($"token {ActionsRun.Token}", r.Authorization, ignoreCase: true));
        var everything = string.Join("\n", [run.Log.ToString(), run.Summary(), File.ReadAllText(run.OutputPath), .. failed.Warnings, .. forbidden.Warnings, .. api.CommentBodies(7)]);
        Assert.Contains("upstream said: Authorization: token *** rejected", everything);
        Assert.DoesNotContain(ActionsRun.Token, everything);
    }
}
