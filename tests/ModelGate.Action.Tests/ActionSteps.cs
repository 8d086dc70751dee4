using ModelGate.Testing;
using ModelGate.Testing.GitHub;

namespace ModelGate.Action.Tests;

/// <summary>The repository's action.yml and a simulated runner environment for it, in a temp folder.</summary>
internal sealed class ActionSteps : IDisposable
{
    private readonly TempDirectory _folder = new();

    public ActionSteps(string apiUrl, long pullRequest = 7)
    {
        Action = CompositeAction.Load(Path.Combine(RepositoryPaths.Root(), "action.yml"));
        Workspace = Directory.CreateDirectory(_folder.File("workspace")).FullName;
        RunnerTemp = Directory.CreateDirectory(_folder.File("runner-temp")).FullName;
        SummaryPath = _folder.File("step-summary.md");
        System.IO.File.WriteAllText(SummaryPath, "");
        var eventPath = _folder.File("event.json");
        System.IO.File.WriteAllText(eventPath, $$$"""{"action": "synchronize", "number": {{{pullRequest}}}, "pull_request": {"number": {{{pullRequest}}}}}""");
        Environment = new Dictionary<string, string>
        {
            ["GITHUB_ACTIONS"] = "true",
            ["CI"] = "true",
            ["GITHUB_TOKEN"] = ActionsRun.Token,
            ["GITHUB_REPOSITORY"] = "octo/models",
            ["GITHUB_EVENT_NAME"] = "pull_request",
            ["GITHUB_EVENT_PATH"] = eventPath,
            ["GITHUB_API_URL"] = apiUrl,
            ["GITHUB_SERVER_URL"] = "https://github.example",
            ["GITHUB_RUN_ID"] = "4242",
            ["GITHUB_RUN_ATTEMPT"] = "1",
            ["GITHUB_JOB"] = "gate",
            ["GITHUB_WORKSPACE"] = Workspace,
            ["GITHUB_STEP_SUMMARY"] = SummaryPath,
            ["RUNNER_TEMP"] = RunnerTemp,
        };
    }

    public CompositeAction Action { get; }

    public string Workspace { get; }

    public string RunnerTemp { get; }

    public string SummaryPath { get; }

    /// <summary>What the runner sets; tests add PATH, NUGET_PACKAGES, MODELGATE_CACHE as they need.</summary>
    public Dictionary<string, string> Environment { get; }

    public string File(string name) => _folder.File(name);

    public Task<ActionRun> RunAsync(IReadOnlyDictionary<string, string> inputs, TimeSpan timeout)
    {
        return new CompositeActionRunner(Action, Directory.CreateDirectory(_folder.File($"run-{Guid.NewGuid():N}")).FullName).RunAsync(inputs, Environment, timeout);
    }

    public void Dispose() => _folder.Dispose();
}
