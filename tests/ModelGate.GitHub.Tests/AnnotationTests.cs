using ModelGate.Testing.GitHub;
using ModelGate.Testing.GitHub.StandIn;

namespace ModelGate.GitHub.Tests;

public sealed class AnnotationTests
{
    [Fact]
    public async Task Publish_FailingAndWarningRules_WriteOneEscapedAnnotationEachAndTheOutputs()
    {
        using var api = GitHubStandIn.Start();
        using var run = new ActionsRun(api.ApiUrl);

        var result = await run.PublishAsync(Publications.Failing(), comment: false);

        var lines = run.Log.ToString().ReplaceLineEndings("\n").Split('\n', StringSplitOptions.RemoveEmptyEntries);
        Assert.Equal(
            [
                "::error title=MG0001 intruders.total::6 intruder dimensions in total, above the fail level 4",
                "::warning title=MG0002 intruders.perModule::q_proj: 2 intruders,%0Aabove the warn level 0: 50%25 of k",
            ],
            lines);
        Assert.Equal(2, result.AnnotationsWritten);
        var outputs = run.Outputs();
        Assert.Equal("fail", outputs["verdict"]);
        Assert.Equal("6", outputs["intruders"]);
        Assert.Equal("/tmp/modelgate/report.md", outputs["report"]);
        Assert.False(outputs.ContainsKey("comment-url"));
        Assert.Empty(api.Requests);
    }

    [Fact]
    public async Task Publish_MoreFailingRulesThanGitHubShows_TheTenthAnnotationCountsTheRest()
    {
        using var api = GitHubStandIn.Start();
        using var run = new ActionsRun(api.ApiUrl);
        var rules = Enumerable.Range(0, 14)
            .Select(i => new RuleAnnotation(AnnotationLevel.Error, i < 12 ? "MG0002" : "MG0003", $"intruders.perModule m{i}", $"module {i} over the limit"))
            .Append(new RuleAnnotation(AnnotationLevel.Warning, "MG0001", "intruders.total", "over the warn level"))
            .ToList();

        var result = await run.PublishAsync(new GitHubPublication("# Gate\n", "fail", 40, null, rules), comment: false);

        var errors = run.Log.ToString().ReplaceLineEndings("\n").Split('\n').Where(l => l.StartsWith("::error", StringComparison.Ordinal)).ToList();
        Assert.Equal(10, errors.Count);
        Assert.Equal("::error title=MG0002 intruders.perModule m8::module 8 over the limit", errors[8]);
        Assert.Equal("::error title=ModelGate%3A 5 more failing rules::5 more failing rules (MG0002 ×3, MG0003 ×2); the job summary and the report list them all", errors[9]);
        Assert.Equal(11, result.AnnotationsWritten);
    }

    [Fact]
    public async Task Publish_OutsideActions_WritesNoWorkflowCommands()
    {
        using var api = GitHubStandIn.Start();
        using var run = new ActionsRun(api.ApiUrl);
        run["GITHUB_ACTIONS"] = null;
        run["GITHUB_TOKEN"] = null;

        var result = await run.PublishAsync(Publications.Failing());

        Assert.DoesNotContain("::", run.Log.ToString());
        Assert.Contains("warning: no comment on pull request #7: GITHUB_TOKEN is not set", run.Log.ToString());
        Assert.Equal(0, result.AnnotationsWritten);
    }
}
