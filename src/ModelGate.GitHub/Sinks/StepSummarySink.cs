using ModelGate.Core.Gating;

namespace ModelGate.GitHub.Sinks;

/// <summary>The job summary ($GITHUB_STEP_SUMMARY), one annotation per failing or warning rule, and the step outputs.</summary>
internal sealed class StepSummarySink(GitHubReportSession session) : IReportSink
{
    public string Description { get; private set; } = "wrote GitHub job summary, annotations and outputs";

    public async Task WriteAsync(GateResult result, CancellationToken cancellationToken)
    {
        var publisher = session.Publisher(result);
        await publisher.WriteStepFilesAsync(session.Publication(result), cancellationToken).ConfigureAwait(false);
        var written = publisher.Result;
        Description = $"wrote GitHub job summary{(written.SummaryTruncated ? " (cut to fit 1 MiB)" : "")}, {written.AnnotationsWritten} annotation{(written.AnnotationsWritten == 1 ? "" : "s")}{(written.OutputsWritten ? " and step outputs" : "")}";
    }
}
