using ModelGate.Cli;
using ModelGate.Core.Gating;
using ModelGate.Testing;
using ModelGate.Testing.GitHub;
using ModelGate.Testing.GitHub.StandIn;
using ModelGate.Testing.Packaging;

namespace ModelGate.Action.Tests;

/// <summary>
/// The workflow `dotnet new intruder-gate-workflow --shards N` writes, run with its matrix expanded: N analyze jobs,
/// their parts as artifacts, then this repository's action.yml gating on them. The tool is the one built with these
/// tests (a `dotnet` first on PATH installs a shim that runs it), so no package is packed.
/// </summary>
[Trait("Category", "Integration")]
public sealed class WorkflowTemplateRunTests(GateModels models) : IClassFixture<GateModels>
{
    private const string ActionRef = "acme/ModelGate@v1";
    private static readonly TimeSpan StepTimeout = TimeSpan.FromMinutes(5);

    [Fact]
    public async Task ShardedWorkflow_RunWithTheMatrixExpanded_GatesAsTheUnshardedGateDoes()
    {
        using var folder = new TempDirectory();
        using var api = GitHubStandIn.Start();
        var repository = await RepositoryAsync(folder);
        var workflowFile = await InstantiateAsync(folder, "--shards", "3", "--base", "models/base", "--adapter", "adapters/intruders", "--policy", "policy.json", "--action", ActionRef);
        using var steps = new ActionSteps(api.ApiUrl, pullRequest: 21);
        steps.Environment["MODELGATE_CACHE"] = steps.File("spectra");
        steps.Environment["PATH"] = ToolShim(folder) + ":" + Environment.GetEnvironmentVariable("PATH");

        var runner = new WorkflowRunner(Workflow.Load(workflowFile), ActionRef, steps.Action, repository, Directory.CreateDirectory(folder.File("run")).FullName);
        var jobs = await runner.RunAsync(steps.Environment, StepTimeout);
        var log = string.Join("\n", jobs.Select(j => j.Log));

        var analyses = jobs.Where(j => j.JobId == "analyze").ToList();
        Assert.Equal(["1", "2", "3"], analyses.Select(j => j.Matrix["shard"]));
        Assert.All(analyses, j => Assert.False(j.Failed, log));
        var gate = Assert.Single(jobs, j => j.JobId == "intruder-gate");
        Assert.NotNull(gate.Action);
        Assert.Contains(gate.Steps, s => s.Step.Uses?.StartsWith("actions/download-artifact@", StringComparison.Ordinal) == true && s.Out == "downloaded 3 artifact(s)");
        using var unsharded = new ActionsRun(api.ApiUrl);
        var expectedCode = await CliApplication.RunAsync(
            ["gate", "--device", "cpu", "--base", models.BaseModel, "--adapter", models.IntruderAdapter, "--policy", Path.Combine(repository, "policy.json")],
            new CliContext(new StringWriter(), new StringWriter(), outIsTerminal: false, errorIsTerminal: false) { GitHubEnvironment = unsharded.Environment });
        Assert.True(gate.Action.Step("gate").ExitCode == expectedCode, log);
        Assert.Equal(1, expectedCode);
        Assert.Equal(unsharded.Outputs()["verdict"], gate.Action.Outputs["verdict"]);
        Assert.Equal(unsharded.Outputs()["intruders"], gate.Action.Outputs["intruders"]);
        Assert.Single(api.CommentBodies(21));
    }

    /// <summary>A git repository holding the base, the adapter and the policy, as the workflow's checkout finds them.</summary>
    private async Task<string> RepositoryAsync(TempDirectory folder)
    {
        var repository = Directory.CreateDirectory(folder.File("origin")).FullName;
        Copy(models.BaseModel, Path.Combine(repository, "models", "base"));
        Copy(models.IntruderAdapter, Path.Combine(repository, "adapters", "intruders"));
        await File.WriteAllTextAsync(Path.Combine(repository, "policy.json"), GatePolicyLoader.DefaultJson());
        foreach (var git in (string[][])[["init", "--quiet"], ["add", "."], ["-c", "user.name=t", "-c", "user.email=t@example.com", "commit", "--quiet", "-m", "models"]])
        {
            var result = await ChildProcess.RunAsync("git", git, repository, timeout: TimeSpan.FromMinutes(1));
            Assert.True(result.ExitCode == 0, result.Output);
        }

        return repository;
    }

    private static void Copy(string from, string to)
    {
        Directory.CreateDirectory(to);
        foreach (var file in Directory.EnumerateFiles(from))
        {
            File.Copy(file, Path.Combine(to, Path.GetFileName(file)));
        }
    }

    /// <summary>The template installed from its source folder into a private hive, instantiated in a folder of its own.</summary>
    private static async Task<string> InstantiateAsync(TempDirectory folder, params string[] arguments)
    {
        var hive = folder.File("hive");
        var template = Path.Combine(RepositoryPaths.Root(), "templates", "dotnet-new", "intruder-gate-workflow");
        var install = await ChildProcess.RunAsync(ChildProcess.DotNet, ["new", "install", template, "--debug:custom-hive", hive], folder.Path, timeout: TimeSpan.FromMinutes(3));
        Assert.True(install.ExitCode == 0, install.Output);
        var output = Directory.CreateDirectory(folder.File("repo")).FullName;
        var created = await ChildProcess.RunAsync(ChildProcess.DotNet, ["new", "intruder-gate-workflow", .. arguments, "--debug:custom-hive", hive], output, timeout: TimeSpan.FromMinutes(3));
        Assert.True(created.ExitCode == 0, created.Output);
        return Path.Combine(output, ".github", "workflows", "intruder-gate.yml");
    }

    /// <summary>A `dotnet` whose `tool install --tool-path P` puts in P a `dotnet-intruder-gate` running the tool built
    /// with these tests; anything else goes to the real dotnet.</summary>
    private static string ToolShim(TempDirectory folder)
    {
        var bin = Directory.CreateDirectory(folder.File("fake-bin")).FullName;
        var tests = Path.GetDirectoryName(typeof(WorkflowTemplateRunTests).Assembly.Location)!;
        var host = Path.Combine(tests, "ModelGate.Action.Tests");
        var tool = Path.Combine(bin, "tool");
        File.WriteAllText(tool, $$"""
            #!/usr/bin/env bash
            exec '{{ChildProcess.DotNet}}' exec --runtimeconfig '{{host}}.runtimeconfig.json' --depsfile '{{host}}.deps.json' '{{typeof(CliApplication).Assembly.Location}}' "$@"
            """.ReplaceLineEndings("\n"));
        var dotnet = Path.Combine(bin, "dotnet");
        File.WriteAllText(dotnet, $$"""
            #!/usr/bin/env bash
            if [ "$1 $2 $3" = "tool install --tool-path" ]; then
              mkdir -p "$4" && cp '{{tool}}' "$4/dotnet-intruder-gate" && chmod +x "$4/dotnet-intruder-gate"
              exit 0
            fi
            exec '{{ChildProcess.DotNet}}' "$@"
            """.ReplaceLineEndings("\n"));
        if (!OperatingSystem.IsWindows())
        {
            File.SetUnixFileMode(tool, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
            File.SetUnixFileMode(dotnet, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
        }

        return bin;
    }
}
