using ModelGate.GitHub.Actions;
using ModelGate.GitHub.Comments;

namespace ModelGate.GitHub.Sinks;

/// <summary>
/// What a front end hands the GitHub sinks: the runner's variables, where workflow commands and info lines go (the
/// runner reads both stdout and stderr for them; the CLI uses stderr, its stdout carries the verdict table), and
/// the retry policy.
/// </summary>
public sealed record GitHubReporting
{
    public required ActionsEnvironment Environment { get; init; }

    public required TextWriter Log { get; init; }

    public GitHubRetryPolicy Retry { get; init; } = GitHubRetryPolicy.Default;
}
