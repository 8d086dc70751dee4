using ModelGate.Core.Gating;

namespace ModelGate.Core.Reporting;

/// <summary>
/// Turns the outputs a front end asked for into sinks. Each capability registers one (files here, the PR comment and
/// step summary in ModelGate.GitHub); a front end asks all of them, so adding a sink kind touches neither the
/// runner nor the front ends. Providers validate their outputs (folders exist, template parses) before any work.
/// </summary>
public interface IReportSinkProvider
{
    IEnumerable<IReportSink> Create(GateOutputs outputs);
}
