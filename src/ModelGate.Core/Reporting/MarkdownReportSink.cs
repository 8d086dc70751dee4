using ModelGate.Core.Errors;
using ModelGate.Core.Gating;
using ModelGate.Core.IO;

namespace ModelGate.Core.Reporting;

/// <summary>Writes the Markdown report rendered from a template, atomically.</summary>
public sealed class MarkdownReportSink(string path, GateReportTemplate template) : IReportSink
{
    private readonly string _path = ReportFiles.Checked(path, InputField.Report);

    public string Description => $"wrote Markdown report {_path}";

    public Task WriteAsync(GateResult result, CancellationToken cancellationToken)
    {
        cancellationToken.ThrowIfCancellationRequested();
        AtomicFile.WriteAllText(_path, template.Render(result));
        return Task.CompletedTask;
    }
}
