namespace ModelGate.Core.Gating;

/// <summary>
/// Somewhere a gate result goes (a Markdown, HTML or JSON file, a PR comment, a step summary). The runner writes to
/// every sink of the request in order and does not know which are on; front ends compose them.
/// </summary>
public interface IReportSink
{
    /// <summary>What and where, for the front end's "wrote ..." line, e.g. "Markdown report ./report.md".</summary>
    string Description { get; }

    Task WriteAsync(GateResult result, CancellationToken cancellationToken);
}
