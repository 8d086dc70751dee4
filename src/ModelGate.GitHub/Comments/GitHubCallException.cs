namespace ModelGate.GitHub.Comments;

/// <summary>
/// A GitHub call that failed for good (after any retries). Its message is one line fit for a workflow annotation
/// and never holds the token.
/// </summary>
public sealed class GitHubCallException : Exception
{
    public GitHubCallException(GitHubFailureKind kind, int? statusCode, int attempts, string message)
        : base(message)
    {
        Kind = kind;
        StatusCode = statusCode;
        Attempts = attempts;
    }

    public GitHubFailureKind Kind { get; }

    public int? StatusCode { get; }

    public int Attempts { get; }
}
