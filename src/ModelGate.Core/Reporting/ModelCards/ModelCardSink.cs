using ModelGate.Core.Errors;
using ModelGate.Core.Gating;
using ModelGate.Core.IO;

namespace ModelGate.Core.Reporting.ModelCards;

/// <summary>
/// Writes the gate's results into the model card at <paramref name="path"/> (<see cref="ModelCardText"/>), creating
/// it when missing, atomically: a reader sees the old card or the new one.
/// </summary>
public sealed class ModelCardSink(string path) : IReportSink
{
    private readonly string _path = ReportFiles.Checked(path, InputField.ModelCard);

    public string Description => $"wrote model card {_path}";

    public async Task WriteAsync(GateResult result, CancellationToken cancellationToken)
    {
        var existing = File.Exists(_path) ? await File.ReadAllTextAsync(_path, cancellationToken) : null;
        AtomicFile.WriteAllText(_path, ModelCardText.Update(existing, ModelCardResults.From(result), _path));
    }
}
