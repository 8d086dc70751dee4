namespace ModelGate.GitHub.Actions;

/// <summary>The pull request of a run, or why there is none (said in the log when the comment is skipped).</summary>
public sealed record PullRequestLookup(long? Number, string? Reason)
{
    public static PullRequestLookup Found(long number) => new(number, null);

    public static PullRequestLookup None(string reason) => new(null, reason);
}
