namespace ModelGate.GitHub.Comments;

/// <summary>Why a GitHub call failed, as far as the gate cares: what to tell the user and whether to retry.</summary>
public enum GitHubFailureKind
{
    /// <summary>401: the token is missing, expired or wrong.</summary>
    Unauthorized,

    /// <summary>403 without a rate limit: a read-only token (pull requests from forks) or missing permissions.</summary>
    Forbidden,

    /// <summary>404: no such repository or pull request, or the token cannot see it.</summary>
    NotFound,

    /// <summary>403 with x-ratelimit-remaining: 0, a secondary rate limit, or 429.</summary>
    RateLimited,

    /// <summary>5xx.</summary>
    ServerError,

    /// <summary>No answer: connection refused, reset or timed out.</summary>
    Network,

    /// <summary>Anything else (422 and the like): not retried.</summary>
    Other,
}
