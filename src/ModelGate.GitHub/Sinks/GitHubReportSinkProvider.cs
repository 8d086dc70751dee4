using ModelGate.Core.Gating;
using ModelGate.Core.Reporting;

namespace ModelGate.GitHub.Sinks;

/// <summary>
/// The GitHub sinks of a gate run: inside Actions (GITHUB_ACTIONS=true) always the job summary, annotations and
/// outputs; the PR comment when asked for (--github-comment). Registered after the file sinks, so the report file the
/// comment points to exists when it is posted.
/// </summary>
public sealed class GitHubReportSinkProvider(GitHubReporting reporting) : IReportSinkProvider
{
    public IEnumerable<IReportSink> Create(GateOutputs outputs)
    {
        var stepFiles = reporting.Environment.IsActions;
        if (!stepFiles && !outputs.GitHubComment)
        {
            return [];
        }

        var session = new GitHubReportSession(reporting, outputs, stepFiles);
        var sinks = new List<IReportSink>();
        if (stepFiles)
        {
            sinks.Add(new StepSummarySink(session));
        }

        if (outputs.GitHubComment)
        {
            sinks.Add(new PullRequestCommentSink(session));
        }

        return sinks;
    }
}
