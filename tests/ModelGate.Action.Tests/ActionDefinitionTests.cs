using ModelGate.Testing.GitHub;
using ModelGate.Testing.GitHub.StandIn;

namespace ModelGate.Action.Tests;

/// <summary>
/// action.yml's scripts, run by bash with a stand-in `dotnet` that records its arguments: how inputs become tool
/// arguments, without packing the tool (the end-to-end test does that).
/// </summary>
public sealed class ActionDefinitionTests
{
    [Fact]
    public void Action_DeclaresTheDocumentedInputsAndOutputs()
    {
        var action = CompositeAction.Load(Path.Combine(ModelGate.Testing.RepositoryPaths.Root(), "action.yml"));

        Assert.Superset(
            new HashSet<string> { "base", "adapter", "policy", "device", "comment", "fail-on", "dotnet-version", "tool-version", "tool-source", "spectra", "analysis" },
            action.Inputs.Keys.ToHashSet());
        Assert.Superset(new HashSet<string> { "verdict", "intruders", "report" }, action.Outputs.Keys.ToHashSet());
        Assert.True(action.Inputs["base"].Required);
        Assert.Equal("true", action.Inputs["comment"].Default);
        Assert.Equal("actions/setup-dotnet@v4", action.Steps[0].Uses);
        Assert.All(action.Steps.Where(s => s.Run is not null), s => Assert.False(CompositeAction.HasExpression(s.Run!), $"step {s.Id} splices an expression into its script"));
    }

    [Fact]
    public async Task Action_Inputs_BecomeTheInstallAndGateArguments()
    {
        using var api = GitHubStandIn.Start();
        using var steps = new ActionSteps(api.ApiUrl);
        var log = FakeDotnet(steps);

        var run = await steps.RunAsync(
            new Dictionary<string, string>
            {
                ["base"] = "models/base model",
                ["adapter"] = "adapters/v1\n  adapters/v2  \n\n",
                ["policy"] = "gate-policy.json",
                ["fail-on"] = "warn",
                ["device"] = "cpu",
                ["comment-label"] = "nightly; rm -rf /",
                ["tool-version"] = "1.2.3",
                ["tool-source"] = "/feeds/local",
                ["cache"] = "/cache/modelgate",
            },
            TimeSpan.FromSeconds(60));

        Assert.False(run.Failed, run.Log);
        var calls = File.ReadAllLines(log).Select(l => l.Split('\u001f')).ToList();
        Assert.Equal(2, calls.Count);
        Assert.Equal(["tool", "install", "--tool-path", Path.Combine(steps.RunnerTemp, "modelgate-tool"), "--version", "1.2.3", "--add-source", "/feeds/local", "--ignore-failed-sources", "ModelGate.Tool"], calls[0]);
        var report = Path.Combine(steps.RunnerTemp, "modelgate", "report.md");
        var json = Path.Combine(steps.RunnerTemp, "modelgate", "verdict.json");
        Assert.Equal(
            ["dotnet-intruder-gate", "gate", "--base", "models/base model", "--report", report, "--json", json, "--adapter", "adapters/v1", "--adapter", "adapters/v2",
             "--policy", "gate-policy.json", "--device", "cpu", "--fail-on", "warn", "--github-comment", "--github-comment-label", "nightly; rm -rf /",
             "MODELGATE_CACHE=/cache/modelgate", $"GITHUB_TOKEN={ActionsRun.Token}"],
            calls[1]);
        Assert.Equal(json, run.Outputs["verdict-json"]);
    }

    [Fact]
    public async Task Action_CommentFalseAndDefaults_LeaveOptionalArgumentsOut()
    {
        using var api = GitHubStandIn.Start();
        using var steps = new ActionSteps(api.ApiUrl);
        var log = FakeDotnet(steps);

        var run = await steps.RunAsync(new Dictionary<string, string> { ["base"] = "base", ["adapter"] = "lora", ["comment"] = "false" }, TimeSpan.FromSeconds(60));

        Assert.False(run.Failed, run.Log);
        var calls = File.ReadAllLines(log).Select(l => l.Split('\u001f')).ToList();
        Assert.Equal(["tool", "install", "--tool-path", Path.Combine(steps.RunnerTemp, "modelgate-tool"), "ModelGate.Tool"], calls[0]);
        Assert.DoesNotContain("--github-comment", calls[1]);
        Assert.DoesNotContain("--policy", calls[1]);
        Assert.DoesNotContain("--fail-on", calls[1]);
        Assert.Contains($"MODELGATE_CACHE={Environment.GetEnvironmentVariable("MODELGATE_CACHE")}", calls[1]);
    }

    [Fact]
    public async Task Action_CommentNeitherTrueNorFalse_FailsTheStepWithAnError()
    {
        using var api = GitHubStandIn.Start();
        using var steps = new ActionSteps(api.ApiUrl);
        FakeDotnet(steps);

        var run = await steps.RunAsync(new Dictionary<string, string> { ["base"] = "base", ["adapter"] = "lora", ["comment"] = "yes please" }, TimeSpan.FromSeconds(60));

        Assert.True(run.Failed);
        Assert.Equal(2, run.Step("gate").ExitCode);
        Assert.Contains("::error title=ModelGate::the comment input must be true or false, got 'yes please'", run.Step("gate").Out);
    }

    [Fact]
    public async Task Action_AnalysisInput_BecomesOneAnalysisArgumentPerMatchingFile()
    {
        using var api = GitHubStandIn.Start();
        using var steps = new ActionSteps(api.ApiUrl);
        var log = FakeDotnet(steps);
        foreach (var part in (string[])["parts/part-1.json", "parts/part-2.json", "parts/part-10.json", "extra/part 3.json"])
        {
            Directory.CreateDirectory(Path.GetDirectoryName(Path.Combine(steps.Workspace, part))!);
            File.WriteAllText(Path.Combine(steps.Workspace, part), "{}");
        }

        var run = await steps.RunAsync(
            new Dictionary<string, string> { ["base"] = "base", ["adapter"] = "lora", ["comment"] = "false", ["analysis"] = "parts/part-*.json\n  extra/part*" },
            TimeSpan.FromSeconds(60));

        Assert.False(run.Failed, run.Log);
        var gate = File.ReadAllLines(log).Select(l => l.Split('\u001f')).Last().ToList();
        var parts = gate.Select((a, i) => (a, i)).Where(x => x.a == "--analysis").Select(x => gate[x.i + 1]).ToList();
        Assert.Equal(["parts/part-1.json", "parts/part-10.json", "parts/part-2.json", "extra/part 3.json"], parts);
    }

    [Fact]
    public async Task Action_AnalysisPatternMatchingNoFile_FailsTheStepWithAnError()
    {
        using var api = GitHubStandIn.Start();
        using var steps = new ActionSteps(api.ApiUrl);
        var log = FakeDotnet(steps);

        var run = await steps.RunAsync(new Dictionary<string, string> { ["base"] = "base", ["adapter"] = "lora", ["analysis"] = "parts/part-*.json" }, TimeSpan.FromSeconds(60));

        Assert.True(run.Failed);
        Assert.Equal(2, run.Step("gate").ExitCode);
        Assert.Contains("::error title=ModelGate::the analysis input's 'parts/part-*.json' matches no file", run.Step("gate").Out);
        Assert.Single(File.ReadAllLines(log));
    }

    /// <summary>A `dotnet` first on PATH that logs its arguments (unit-separated) and, for `tool install`, leaves a
    /// tool shim in the --tool-path that logs its own arguments and what the tool would see of the environment.</summary>
    private static string FakeDotnet(ActionSteps steps)
    {
        var bin = Directory.CreateDirectory(steps.File("fake-bin")).FullName;
        var log = steps.File("dotnet-calls.log");
        var shim = Path.Combine(bin, "tool-shim");
        File.WriteAllText(shim, $$"""
            #!/usr/bin/env bash
            line=$(printf '%s\x1f' dotnet-intruder-gate "$@")
            printf '%s\n' "${line}MODELGATE_CACHE=${MODELGATE_CACHE:-}"$'\x1f'"GITHUB_TOKEN=${GITHUB_TOKEN:-}" >> '{{log}}'
            """.ReplaceLineEndings("\n"));
        var dotnet = Path.Combine(bin, "dotnet");
        File.WriteAllText(dotnet, $$"""
            #!/usr/bin/env bash
            printf '%s\n' "$(printf '%s\x1f' "$@" | sed 's/\x1f$//')" >> '{{log}}'
            if [ "$1 $2 $3" = "tool install --tool-path" ]; then
              mkdir -p "$4" && cp '{{shim}}' "$4/dotnet-intruder-gate" && chmod +x "$4/dotnet-intruder-gate"
            fi
            """.ReplaceLineEndings("\n"));
        if (!OperatingSystem.IsWindows())
        {
            File.SetUnixFileMode(shim, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
            File.SetUnixFileMode(dotnet, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
        }

        steps.Environment["PATH"] = bin + ":" + Environment.GetEnvironmentVariable("PATH");
        return log;
    }
}
