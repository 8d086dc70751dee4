using ModelGate.GitHub.Comments;

namespace ModelGate.GitHub.Publishing;

/// <summary>What reached GitHub. A failed comment is a warning here, never a failed gate.</summary>
public sealed record PublishResult
{
    public CommentResult? Comment { get; init; }

    /// <summary>Why there is no comment although one was asked for (no PR, no token, or the API's refusal).</summary>
    public string? CommentSkipped { get; init; }

    public bool CommentTruncated { get; init; }

    public bool SummaryWritten { get; init; }

    public bool SummaryTruncated { get; init; }

    public bool OutputsWritten { get; init; }

    public int AnnotationsWritten { get; init; }

    public IReadOnlyList<string> Warnings { get; init; } = [];
}
