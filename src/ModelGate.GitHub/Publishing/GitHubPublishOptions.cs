using ModelGate.GitHub.Comments;

namespace ModelGate.GitHub.Publishing;

/// <summary>What to publish where; the CLI maps --github-comment and GITHUB_ACTIONS onto it.</summary>
public sealed record GitHubPublishOptions
{
    /// <summary>Post (or update) the report as a comment on the run's pull request.</summary>
    public bool Comment { get; init; }

    /// <summary>Write the job summary and the step outputs (when the runner provides their files) and, inside Actions, the annotations.</summary>
    public bool StepFiles { get; init; }

    /// <summary>Names the comment among others on the PR; default: the job and the adapters' folder names.</summary>
    public string? CommentLabel { get; init; }

    /// <summary>The adapters gated, for the default label.</summary>
    public IReadOnlyList<string> Adapters { get; init; } = [];

    /// <summary>
    /// The longest comment body posted. GitHub refuses bodies over 65,536 characters (422 "Body is too long");
    /// staying well under leaves room for the marker and footer and for how GitHub counts.
    /// </summary>
    public int MaxCommentChars { get; init; } = 60_000;

    public GitHubRetryPolicy Retry { get; init; } = GitHubRetryPolicy.Default;

    public TimeSpan RequestTimeout { get; init; } = TimeSpan.FromSeconds(30);
}
