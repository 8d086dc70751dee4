using ModelGate.Core.Gating;

namespace ModelGate.GitHub.Sinks;

/// <summary>The report as the run's pull-request comment, kept in place across runs; a refusal is a warning, not a failed gate.</summary>
internal sealed class PullRequestCommentSink(GitHubReportSession session) : IReportSink
{
    public string Description { get; private set; } = "wrote GitHub PR comment";

    public async Task WriteAsync(GateResult result, CancellationToken cancellationToken)
    {
        var publisher = session.Publisher(result);
        await publisher.CommentAsync(session.Publication(result), cancellationToken).ConfigureAwait(false);
        var written = publisher.Result;
        Description = written.Comment is { } comment
            ? $"wrote GitHub PR comment ({comment.Action.ToString().ToLowerInvariant()}{(written.CommentTruncated ? ", cut to fit" : "")}) {comment.Url}"
            : $"no GitHub PR comment ({written.CommentSkipped})";
    }
}
