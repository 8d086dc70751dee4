using ModelGate.Cli;
using ModelGate.Testing.GitHub;
using ModelGate.Testing.GitHub.StandIn;

namespace ModelGate.Action.Tests;

/// <summary>The gate verb in-process with a simulated Actions environment: how --github-comment and GITHUB_ACTIONS reach the sinks.</summary>
[Trait("Category", "Integration")]
public sealed class GateCommandGitHubTests(GateModels models) : IClassFixture<GateModels>
{
    [Fact]
    public async Task Gate_InActionsWithIntruders_AnnotatesTheFailingRuleSetsOutputsAndExits1()
    {
        using var api = GitHubStandIn.Start();
        using var run = new ActionsRun(api.ApiUrl);
        var report = run.File("report.md");

        var (code, _, error) = await Gate(run, "--base", models.BaseModel, "--adapter", models.IntruderAdapter, "--report", report);

        Assert.Equal(1, code);
        Assert.Contains("::error title=MG0002 intruders.perModule model.layers.0.self_attn.q_proj.weight::3 intruder dimensions in model.layers.0.self_attn.q_proj.weight, above the fail level 2", error);
        Assert.Contains("::warning title=MG0001 intruders.total::6 intruder dimensions in total", error);
        Assert.Contains("wrote GitHub job summary, 4 annotations and step outputs", error);
        var outputs = run.Outputs();
        Assert.Equal("fail", outputs["verdict"]);
        Assert.Equal("6", outputs["intruders"]);
        Assert.Equal(Path.GetFullPath(report), outputs["report"]);
        Assert.Equal(await File.ReadAllTextAsync(report), run.Summary());
        Assert.Empty(api.Requests);
    }

    [Fact]
    public async Task Gate_GitHubCommentTwice_KeepsOneCommentUpToDate()
    {
        using var api = GitHubStandIn.Start();
        using var run = new ActionsRun(api.ApiUrl, pullRequest: 3);

        var (first, _, firstError) = await Gate(run, "--base", models.BaseModel, "--adapter", models.IntruderAdapter, "--github-comment", "--github-comment-label", "cli");
        var (second, _, _) = await Gate(run, "--base", models.BaseModel, "--adapter", models.CleanAdapter, "--github-comment", "--github-comment-label", "cli");

        Assert.Equal(1, first);
        Assert.Equal(0, second);
        Assert.Contains("modelgate: posted the report comment on pull request #3", firstError);
        var body = Assert.Single(api.CommentBodies(3));
        Assert.StartsWith("<!-- modelgate:report label=\"cli\" -->", body);
        Assert.Single(api.Requests, r => r.Method == "PATCH");
    }

    [Fact]
    public async Task Gate_ForkPullRequest_WarnsKeepsTheReportInTheSummaryAndExitsWithTheVerdictsCode()
    {
        using var api = GitHubStandIn.Start();
        api.ReadOnlyToken = true;
        using var run = new ActionsRun(api.ApiUrl);

        var (code, _, error) = await Gate(run, "--base", models.BaseModel, "--adapter", models.CleanAdapter, "--github-comment");

        Assert.Equal(0, code);
        Assert.Contains("::warning title=ModelGate PR comment::could not comment on pull request #7", error);
        Assert.Contains("HTTP 403", error);
        Assert.Equal("pass", run.Outputs()["verdict"]);
        Assert.NotEqual("", run.Summary());
        Assert.DoesNotContain(ActionsRun.Token, error);
    }

    [Fact]
    public async Task Gate_OutsideActionsWithoutComment_TouchesNoGitHubFile()
    {
        using var api = GitHubStandIn.Start();
        using var run = new ActionsRun(api.ApiUrl);
        run["GITHUB_ACTIONS"] = null;

        var (code, _, error) = await Gate(run, "--base", models.BaseModel, "--adapter", models.CleanAdapter);

        Assert.Equal(0, code);
        Assert.Equal("", run.Summary());
        Assert.Equal("", await File.ReadAllTextAsync(run.OutputPath));
        Assert.DoesNotContain("::", error);
    }

    private static async Task<(int Code, string Out, string Error)> Gate(ActionsRun run, params string[] args)
    {
        var output = new StringWriter();
        var error = new StringWriter();
        var context = new CliContext(output, error, outIsTerminal: false, errorIsTerminal: false) { GitHubEnvironment = run.Environment };
        var code = await CliApplication.RunAsync(["gate", "--device", "cpu", .. args], context);
        return (code, output.ToString(), error.ToString());
    }
}
