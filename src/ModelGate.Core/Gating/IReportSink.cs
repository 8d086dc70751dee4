namespace ModelGate.Core.Gating;

/// <summary>
/// Somewhere a gate result goes (a Markdown, HTML or JSON file, a PR comment, a step summary). The runner writes to
/// every sink of the request in order and does not know which are on; front ends compose them.
/// </summary>
public interface IReportSink
{
    /// <summary>
    /// What the sink did, as the front end's line after the run, e.g. "wrote Markdown report ./report.md" (or
    /// "no GitHub PR comment (...)" where it had nothing to write).
    /// </summary>
    string Description { get; }

    Task WriteAsync(GateResult result, CancellationToken cancellationToken);
}
