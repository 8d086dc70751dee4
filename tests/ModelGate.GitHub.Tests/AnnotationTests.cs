using ModelGate.GitHub.Tests.StandIn;

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
