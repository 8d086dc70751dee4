using System.Text.Json;

namespace ModelGate.MSBuild.Verdicts;

/// <summary>Reads a verdict file written by <c>dotnet intruder-gate gate --json</c>.</summary>
internal static class VerdictReader
{
    public const string Kind = "modelgate.verdict";
    public const int SchemaVersion = 1;

    private static readonly JsonSerializerOptions Options = new(JsonSerializerDefaults.Web);

    /// <summary>The verdict, or an exception whose message says what is wrong with the file.</summary>
    public static GateVerdict Read(string path)
    {
        GateVerdict? verdict;
        try
        {
            using var stream = File.OpenRead(path);
            verdict = JsonSerializer.Deserialize<GateVerdict>(stream, Options);
        }
        catch (JsonException e)
        {
            throw new InvalidDataException($"{path}: not valid verdict JSON ({e.Message})", e);
        }

        if (verdict is null || verdict.Kind != Kind)
        {
            throw new InvalidDataException($"{path}: not a ModelGate verdict (kind is not '{Kind}')");
        }

        if (verdict.SchemaVersion != SchemaVersion)
        {
            throw new InvalidDataException(
                $"{path}: verdict schemaVersion {verdict.SchemaVersion} is not the {SchemaVersion} this task reads; use ModelGate.MSBuild and the tool from the same release");
        }

        return verdict;
    }
}
