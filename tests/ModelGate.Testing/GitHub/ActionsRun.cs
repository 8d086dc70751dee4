using System.Text.Json.Nodes;
using ModelGate.GitHub;
using ModelGate.GitHub.Actions;
using ModelGate.GitHub.Comments;
using ModelGate.GitHub.Publishing;

namespace ModelGate.Testing.GitHub;

/// <summary>
/// A simulated workflow step: the GITHUB_* variables, an event payload file, and the summary and output files the
/// runner would provide, in a temp folder. Publishing records the retry waits instead of sleeping.
/// </summary>
public sealed class ActionsRun : IDisposable
{
    public const string Token = "ghs_StandInTokenThatMustNeverBeLogged0123456789";

    private readonly TempDirectory _folder = new();
    private readonly Dictionary<string, string?> _variables;

    public ActionsRun(string apiUrl, string eventName = "pull_request", long pullRequest = 7)
    {
        EventPath = _folder.File("event.json");
        SummaryPath = _folder.File("step_summary.md");
        OutputPath = _folder.File("output.txt");
        System.IO.File.WriteAllText(SummaryPath, "");
        System.IO.File.WriteAllText(OutputPath, "");
        _variables = new Dictionary<string, string?>
        {
            ["GITHUB_ACTIONS"] = "true",
            ["GITHUB_TOKEN"] = Token,
            ["GITHUB_REPOSITORY"] = "octo/models",
            ["GITHUB_EVENT_NAME"] = eventName,
            ["GITHUB_EVENT_PATH"] = EventPath,
            ["GITHUB_API_URL"] = apiUrl,
            ["GITHUB_SERVER_URL"] = "https://github.example",
            ["GITHUB_RUN_ID"] = "4242",
            ["GITHUB_RUN_ATTEMPT"] = "1",
            ["GITHUB_JOB"] = "gate",
            ["GITHUB_STEP_SUMMARY"] = SummaryPath,
            ["GITHUB_OUTPUT"] = OutputPath,
        };
        WriteEvent(eventName switch
        {
            "pull_request" or "pull_request_target" => new JsonObject { ["action"] = "synchronize", ["number"] = pullRequest, ["pull_request"] = new JsonObject { ["number"] = pullRequest } },
            "issue_comment" => new JsonObject { ["action"] = "created", ["issue"] = new JsonObject { ["number"] = pullRequest, ["pull_request"] = new JsonObject { ["url"] = "x" } } },
            _ => new JsonObject { ["ref"] = "refs/heads/main", ["after"] = "abc123" },
        });
    }

    public string EventPath { get; }

    public string SummaryPath { get; }

    public string OutputPath { get; }

    public StringWriter Log { get; } = new();

    public List<TimeSpan> Waits { get; } = [];

    public DateTimeOffset Now { get; set; } = new(2026, 1, 1, 12, 0, 0, TimeSpan.Zero);

    public string? this[string name]
    {
        get => _variables.GetValueOrDefault(name);
        set => _variables[name] = value;
    }

    public void WriteEvent(JsonObject payload) => System.IO.File.WriteAllText(EventPath, payload.ToJsonString());

    public GitHubRetryPolicy Retry => new()
    {
        Delay = (wait, _) =>
        {
            Waits.Add(wait);
            return Task.CompletedTask;
        },
        Clock = new FixedClock(() => Now),
    };

    public Task<PublishResult> PublishAsync(GitHubPublication publication, string? label = null, bool comment = true, IReadOnlyList<string>? adapters = null)
    {
        var options = new GitHubPublishOptions
        {
            Comment = comment,
            StepFiles = true,
            CommentLabel = label,
            Adapters = adapters ?? ["adapters/my-lora"],
            Retry = Retry,
            RequestTimeout = TimeSpan.FromSeconds(20),
        };
        var publisher = new GitHubPublisher(ActionsEnvironment.FromDictionary(_variables), options, Log);
        return publisher.PublishAsync(publication, CancellationToken.None);
    }

    /// <summary>The variables as the GitHub sinks read them (for a front end run in-process).</summary>
    public ActionsEnvironment Environment => ActionsEnvironment.FromDictionary(_variables);

    public string File(string name) => _folder.File(name);

    public string Summary() => System.IO.File.ReadAllText(SummaryPath);

    public IReadOnlyDictionary<string, string> Outputs() => OutputFile.Parse(System.IO.File.ReadAllText(OutputPath));

    public void Dispose() => _folder.Dispose();

    private sealed class FixedClock(Func<DateTimeOffset> now) : TimeProvider
    {
        public override DateTimeOffset GetUtcNow() => now();
    }
}
