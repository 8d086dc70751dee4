using ModelGate.GitHub.Comments;
using ModelGate.Testing.GitHub;
using ModelGate.Testing.GitHub.StandIn;

namespace ModelGate.Action.Tests;

/// <summary>
/// action.yml end to end: its run steps in bash with a simulated runner environment, installing the packed tool
/// from a local feed, gating real (tiny) adapters, talking to the API stand-in.
/// </summary>
[Trait("Category", "Integration")]
public sealed class ActionEndToEndTests(PackedTool tool, GateModels models) : IClassFixture<PackedTool>, IClassFixture<GateModels>
{
    private static readonly TimeSpan StepTimeout = TimeSpan.FromMinutes(8);

    [Fact]
    public async Task Action_RunsOnAPullRequest_GatesWithThePackedToolAndKeepsOneCommentUpToDate()
    {
        using var api = GitHubStandIn.Start();
        using var steps = new ActionSteps(api.ApiUrl, pullRequest: 12);
        steps.Environment["MODELGATE_CACHE"] = steps.File("spectra");
        var inputs = new Dictionary<string, string>
        {
            ["base"] = models.BaseModel,
            ["adapter"] = models.IntruderAdapter,
            ["comment-label"] = "e2e",
            ["tool-source"] = tool.Feed,
            ["tool-version"] = tool.Version,
            ["device"] = "cpu",
        };

        // Run 1: 6 planted intruders, above the default policy's fail level: the step fails, the comment appears.
        var first = await steps.RunAsync(inputs, StepTimeout);

        Assert.True(first.Step("install").ExitCode == 0, first.Log);
        Assert.True(first.Step("gate").ExitCode == 1, first.Log);
        Assert.Equal("fail", first.Outputs["verdict"]);
        Assert.Equal("6", first.Outputs["intruders"]);
        var report = first.Outputs["report"];
        Assert.True(File.Exists(report), first.Log);
        var reportText = await File.ReadAllTextAsync(report);
        Assert.Contains("::error title=MG0002 intruders.perModule model.layers.0.self_attn.q_proj.weight::", first.Step("gate").Out + first.Step("gate").Error);
        var comment = Assert.Single(api.CommentBodies(12));
        Assert.StartsWith(new CommentMarker("e2e").Text, comment);
        Assert.Contains(reportText.Trim(), comment);
        Assert.Matches(@"/o/r/pull/12#issuecomment-\d+$", first.Outputs["comment-url"]);
        Assert.Contains(reportText.Trim(), await File.ReadAllTextAsync(steps.SummaryPath));

        // Run 2: the clean adapter passes; the same comment is edited, none is added.
        var second = await steps.RunAsync(new Dictionary<string, string>(inputs) { ["adapter"] = models.CleanAdapter }, StepTimeout);

        Assert.False(second.Failed, second.Log);
        Assert.Equal("pass", second.Outputs["verdict"]);
        Assert.Equal("0", second.Outputs["intruders"]);
        var updated = Assert.Single(api.CommentBodies(12));
        Assert.Contains((await File.ReadAllTextAsync(second.Outputs["report"])).Trim(), updated);
        Assert.Single(api.Requests, r => r.Method == "POST");
        Assert.Single(api.Requests, r => r.Method == "PATCH");
        Assert.Equal(first.Outputs["comment-url"], second.Outputs["comment-url"]);

        // Run 3: a fork's read-only token: a warning, the report in the summary, the exit code still the verdict's.
        api.ReadOnlyToken = true;
        var fork = await steps.RunAsync(new Dictionary<string, string>(inputs) { ["adapter"] = models.CleanAdapter }, StepTimeout);

        Assert.False(fork.Failed, fork.Log);
        Assert.Equal("pass", fork.Outputs["verdict"]);
        Assert.Contains("::warning title=ModelGate PR comment::could not comment on pull request #12", fork.Step("gate").Out + fork.Step("gate").Error);
        Assert.Equal("", fork.Outputs["comment-url"]);
        Assert.DoesNotContain(ActionsRun.Token, first.Log + second.Log + fork.Log + await File.ReadAllTextAsync(steps.SummaryPath));
    }
}
