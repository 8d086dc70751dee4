using ModelGate.Core.Gating;
using ModelGate.Core.Reporting;
using ModelGate.GitHub.Publishing;

namespace ModelGate.GitHub.Sinks;

/// <summary>
/// What the GitHub sinks of one gate run share: one publisher (so the comment knows whether the summary was written
/// and can point to it) and the publication, rendered once from the result with the report's template.
/// </summary>
internal sealed class GitHubReportSession(GitHubReporting reporting, GateOutputs outputs, bool stepFiles)
{
    private readonly GateReportTemplate _template = outputs.Template is null ? GateReportTemplate.Default : GateReportTemplate.Load(outputs.Template);
    private GitHubPublisher? _publisher;
    private (GateResult Result, GitHubPublication Publication)? _rendered;

    public GitHubPublisher Publisher(GateResult result) => _publisher ??= new GitHubPublisher(
        reporting.Environment,
        new GitHubPublishOptions
        {
            Comment = outputs.GitHubComment,
            StepFiles = stepFiles,
            CommentLabel = outputs.GitHubCommentLabel,
            Adapters = [.. result.Run.Adapters.Select(a => a.Display)],
            Retry = reporting.Retry,
        },
        reporting.Log);

    public GitHubPublication Publication(GateResult result)
    {
        if (_rendered is { } done && ReferenceEquals(done.Result, result))
        {
            return done.Publication;
        }

        var publication = GatePublication.From(result, _template.Render(result), outputs.Markdown is { } path ? Path.GetFullPath(path) : null);
        _rendered = (result, publication);
        return publication;
    }
}
