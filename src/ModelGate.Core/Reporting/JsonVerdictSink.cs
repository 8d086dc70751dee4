using ModelGate.Core.Errors;
using ModelGate.Core.Gating;
using ModelGate.Core.IO;

namespace ModelGate.Core.Reporting;

/// <summary>Writes the verdict JSON (<see cref="GateVerdictJson"/>) atomically.</summary>
public sealed class JsonVerdictSink(string path) : IReportSink
{
    private readonly string _path = ReportFiles.Checked(path, InputField.Json);

    public string Description => $"wrote verdict {_path}";

    public Task WriteAsync(GateResult result, CancellationToken cancellationToken)
    {
        cancellationToken.ThrowIfCancellationRequested();
        AtomicFile.WriteAllText(_path, GateVerdictJson.Serialize(result));
        return Task.CompletedTask;
    }
}
