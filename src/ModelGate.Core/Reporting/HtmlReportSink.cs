using ModelGate.Core.Errors;
using ModelGate.Core.Gating;
using ModelGate.Core.IO;

namespace ModelGate.Core.Reporting;

/// <summary>Writes the self-contained HTML report (<see cref="GateReportHtml"/>) from the Markdown template, atomically.</summary>
public sealed class HtmlReportSink(string path, GateReportTemplate template) : IReportSink
{
    private readonly string _path = ReportFiles.Checked(path, InputField.Html);

    public string Description => $"wrote HTML report {_path}";

    public Task WriteAsync(GateResult result, CancellationToken cancellationToken)
    {
        cancellationToken.ThrowIfCancellationRequested();
        AtomicFile.WriteAllText(_path, GateReportHtml.Render(result, template.Render(result)));
        return Task.CompletedTask;
    }
}
