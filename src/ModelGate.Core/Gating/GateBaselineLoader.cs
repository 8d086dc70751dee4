using System.Text.Json;
using ModelGate.Core.Errors;
using ModelGate.Core.IO;

namespace ModelGate.Core.Gating;

/// <summary>
/// Reads a baseline: a verdict written by <c>gate --json</c> (<c>"kind": "modelgate.verdict"</c>) or a plain
/// <c>analyze --format json</c> report (<c>"kind": "adapter"</c> or <c>"full-fine-tune"</c>). Anything else is a user error.
/// </summary>
public static class GateBaselineLoader
{
    public static async Task<GateBaseline> LoadAsync(string path, CancellationToken cancellationToken)
    {
        if (!File.Exists(path))
        {
            throw new UserInputException($"{path}: baseline file not found");
        }

        JsonDocument document;
        try
        {
            await using var stream = BoundedFile.OpenRead(path, BoundedFile.ConfigLimit, "baseline file");
            document = await JsonDocument.ParseAsync(stream, default, cancellationToken);
        }
        catch (JsonException e)
        {
            throw new UserInputException($"{path}: baseline is not valid JSON (line {e.LineNumber + 1})");
        }

        using (document)
        {
            if (JsonStrings.FindUnreadable(document.RootElement) is { } unreadable)
            {
                throw new UserInputException($"{path}: {JsonStrings.Describe(unreadable)}");
            }

            return Read(document.RootElement, path);
        }
    }

    private static GateBaseline Read(JsonElement root, string path)
    {
        var kind = root.ValueKind == JsonValueKind.Object && root.TryGetProperty("kind", out var k) && k.ValueKind == JsonValueKind.String ? k.GetString() : null;
        RuleStatus? verdict = null;
        JsonElement analysis;
        switch (kind)
        {
            case Reporting.GateVerdictJson.Kind:
                if (!root.TryGetProperty("analysis", out analysis) || analysis.ValueKind != JsonValueKind.Object)
                {
                    throw new UserInputException($"{path}: verdict has no 'analysis' object");
                }

                if (root.TryGetProperty("verdict", out var v) && v.ValueKind == JsonValueKind.String && GateWords.TryParseStatus(v.GetString(), out var status))
                {
                    verdict = status;
                }

                break;
            case "adapter" or "full-fine-tune":
                analysis = root;
                break;
            default:
                throw new UserInputException($"{path}: not a gate verdict or an analysis report (JSON)");
        }

        if (!analysis.TryGetProperty("schemaVersion", out var schema) || schema.ValueKind != JsonValueKind.Number || !schema.TryGetInt32(out var version) || version != Reporting.IntruderReportJson.SchemaVersion)
        {
            throw new UserInputException($"{path}: analysis schemaVersion must be {Reporting.IntruderReportJson.SchemaVersion}");
        }

        var modules = new Dictionary<string, int>(StringComparer.Ordinal);
        if (analysis.TryGetProperty("modules", out var list) && list.ValueKind == JsonValueKind.Array)
        {
            foreach (var m in list.EnumerateArray())
            {
                if (m.ValueKind == JsonValueKind.Object && m.TryGetProperty("name", out var name) && name.ValueKind == JsonValueKind.String &&
                    m.TryGetProperty("intruders", out var count) && count.ValueKind == JsonValueKind.Number && count.TryGetInt32(out var c))
                {
                    modules[name.GetString()!] = c;
                }
            }
        }

        if (!analysis.TryGetProperty("totalIntruders", out var total) || total.ValueKind != JsonValueKind.Number || !total.TryGetInt32(out var totalIntruders) || totalIntruders < 0)
        {
            throw new UserInputException($"{path}: 'totalIntruders' is missing or not a whole number ≥ 0");
        }

        return new GateBaseline
        {
            Path = path,
            Kind = verdict is null ? "analysis" : "verdict",
            TotalIntruders = totalIntruders,
            Modules = modules,
            Verdict = verdict,
            Adapters = analysis.TryGetProperty("tuned", out var tuned) && tuned.ValueKind == JsonValueKind.Array
                ? tuned.EnumerateArray().Where(t => t.ValueKind == JsonValueKind.String).Select(t => t.GetString()!).ToArray()
                : [],
            K = analysis.TryGetProperty("k", out var kk) && kk.ValueKind == JsonValueKind.Number && kk.TryGetInt32(out var kv) ? kv : 0,
            Epsilon = analysis.TryGetProperty("epsilon", out var e) && e.ValueKind == JsonValueKind.Number && e.TryGetDouble(out var ev) ? ev : 0,
        };
    }
}
