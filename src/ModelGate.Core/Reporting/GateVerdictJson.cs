using System.Text.Json;
using ModelGate.Core.Gating;
using ModelGate.Core.Provenance;
using ModelGate.Core.Registries;

namespace ModelGate.Core.Reporting;

/// <summary>
/// The verdict contract (<c>gate --json</c>, docs/verdict-json.md, schema docs/schemas/modelgate-verdict.schema.json): <c>schemaVersion</c> 1, <c>kind</c>
/// <c>modelgate.verdict</c>; fields may be added, none renamed or removed without a new version. Its
/// <c>analysis</c> is exactly <c>analyze --format json</c>'s object, so a verdict serves as the next run's baseline.
/// </summary>
public static class GateVerdictJson
{
    public const int SchemaVersion = 1;
    public const string Kind = "modelgate.verdict";

    public static string Serialize(GateResult result) => JsonWriting.Indented(w => Write(w, result)) + Environment.NewLine;

    public static void Write(Utf8JsonWriter w, GateResult result)
    {
        var verdict = result.Verdict;
        w.WriteStartObject();
        w.WriteNumber("schemaVersion", SchemaVersion);
        w.WriteString("kind", Kind);
        w.WriteString("verdict", GateWords.Of(verdict.Status));
        w.WriteString("failOn", GateWords.Of(verdict.FailOn));
        w.WriteNumber("exitCode", verdict.ExitCode);
        w.WriteNumber("totalIntruders", verdict.TotalIntruders);

        w.WriteStartArray("rules");
        foreach (var r in verdict.Rules)
        {
            w.WriteStartObject();
            w.WriteString("id", r.Id);
            w.WriteString("code", r.Code);
            w.WriteString("status", GateWords.Of(r.Status));
            w.WriteNumber("observed", Math.Round(r.Observed, 6));
            NumberOrNull(w, "warn", r.Warn);
            NumberOrNull(w, "fail", r.Fail);
            StringOrNull(w, "target", r.Target);
            w.WriteString("message", r.Message);
            if (r.Match is not null)
            {
                w.WriteString("match", r.Match);
            }

            if (r.Interval is { } ci)
            {
                w.WriteNumber("ciLow", Math.Round(ci.Low, 6));
                w.WriteNumber("ciHigh", Math.Round(ci.High, 6));
            }

            w.WriteEndObject();
        }

        w.WriteEndArray();

        w.WritePropertyName("analysis");
        IntruderReportJson.Write(w, result.Analysis);

        if (result.Baseline is { } b)
        {
            w.WriteStartObject("baseline");
            w.WriteString("path", b.Path);
            w.WriteNumber("totalIntruders", b.TotalIntruders);
            w.WriteNumber("growth", result.Growth!.Value);
            w.WriteString("kind", b.Kind);
            StringOrNull(w, "verdict", b.Verdict is { } v ? GateWords.Of(v) : null);
            w.WriteEndObject();
        }
        else
        {
            w.WriteNull("baseline");
        }

        w.WriteStartArray("forgetting");
        foreach (var o in result.Forgetting)
        {
            w.WriteStartObject();
            w.WriteString("metric", o.Metric);
            w.WriteString("dataset", o.Dataset);
            w.WriteNumber("base", o.Base);
            w.WriteNumber("merged", o.Merged);
            w.WriteNumber("delta", o.Delta);
            var interval = o.Interval;
            NumberOrNull(w, "ciLow", interval?.Low);
            NumberOrNull(w, "ciHigh", interval?.High);
            StringOrNull(w, "intervalUnavailable", interval is null ? o.NoIntervalReason : null);
            NumberOrNull(w, "minimumDetectableEffect", o.MinimumDetectableEffect);
            w.WriteEndObject();
        }

        w.WriteEndArray();

        w.WriteStartArray("provenance");
        foreach (var p in result.Provenance)
        {
            w.WriteStartObject();
            w.WriteString("adapter", p.Adapter);
            StringOrNull(w, "declaredBase", p.DeclaredBase);
            StringOrNull(w, "declaredRevision", p.DeclaredRevision);
            w.WriteString("base", p.Base);
            w.WriteString("baseMatch", Word(p.BaseMatch));
            w.WriteString("baseFinding", p.BaseFinding);
            w.WriteBoolean("zeroUpdate", p.ZeroUpdate);
            w.WriteEndObject();
        }

        w.WriteEndArray();

        var run = result.Run;
        w.WriteStartObject("run");
        w.WriteString("tool", run.Tool);
        w.WriteString("base", run.BaseModel.Display);
        JsonWriting.Strings(w, "adapters", [.. run.Adapters.Select(a => a.Display)]);
        w.WritePropertyName("baseModel");
        Model(w, run.BaseModel);
        w.WriteStartArray("adapterModels");
        foreach (var a in run.Adapters)
        {
            Model(w, a);
        }

        w.WriteEndArray();
        w.WriteString("policy", run.Policy);
        w.WriteString("startedAt", run.StartedAt.ToUniversalTime().ToString("yyyy-MM-dd'T'HH:mm:ss.fff'Z'", System.Globalization.CultureInfo.InvariantCulture));
        w.WriteNumber("seconds", Math.Round(run.Elapsed.TotalSeconds, 3));
        w.WriteStartObject("timings");
        foreach (var (phase, elapsed) in run.Timings)
        {
            w.WriteNumber(phase, Math.Round(elapsed.TotalSeconds, 3));
        }

        w.WriteEndObject();
        if (run.BaseFingerprint is { } baseHash)
        {
            w.WritePropertyName("baseWeights");
            Fingerprint(w, baseHash);
            w.WriteStartArray("adapterWeights");
            foreach (var a in run.AdapterFingerprints)
            {
                Fingerprint(w, a);
            }

            w.WriteEndArray();
        }

        w.WriteEndObject();
        JsonWriting.Strings(w, "warnings", result.Warnings);
        if (result.Repair is { } repair)
        {
            w.WriteStartObject("repair");
            w.WriteBoolean("forgettingBlocked", repair.ForgettingBlocked);
            NumberOrNull(w, "intrudersPassAtLambda", repair.IntrudersPassAt);
            w.WriteStartArray("recounts");
            foreach (var r in repair.Recounts)
            {
                w.WriteStartObject();
                w.WriteNumber("lambda", r.Lambda);
                w.WriteNumber("intruders", r.Intruders);
                w.WriteBoolean("intruderRulesPass", r.IntruderRulesPass);
                w.WriteEndObject();
            }

            w.WriteEndArray();
            w.WriteEndObject();
        }

        w.WriteEndObject();
    }

    /// <summary>A model as the run resolved it: the reference as given, the registry version it pinned, its weights' hash.</summary>
    private static void Model(Utf8JsonWriter w, ResolvedModel m)
    {
        w.WriteStartObject();
        w.WriteString("reference", m.Display);
        StringOrNull(w, "revision", m.PinnedRevision);
        StringOrNull(w, "sha256", m.ContentHash);
        w.WriteEndObject();
    }

    private static string Word(BaseMatch match) => match switch
    {
        BaseMatch.Match => "match",
        BaseMatch.Mismatch => "mismatch",
        _ => "unknown",
    };

    private static void Fingerprint(Utf8JsonWriter w, ModelFingerprint f)
    {
        w.WriteStartObject();
        w.WriteString("folder", f.Folder);
        w.WriteString("sha256", f.Sha256);
        w.WriteNumber("bytes", f.Bytes);
        w.WriteStartArray("files");
        foreach (var file in f.Files)
        {
            w.WriteStartObject();
            w.WriteString("file", file.File);
            w.WriteNumber("bytes", file.Bytes);
            w.WriteString("sha256", file.Sha256);
            w.WriteEndObject();
        }

        w.WriteEndArray();
        w.WriteEndObject();
    }

    private static void NumberOrNull(Utf8JsonWriter w, string name, double? value)
    {
        if (value is { } v)
        {
            w.WriteNumber(name, v);
        }
        else
        {
            w.WriteNull(name);
        }
    }

    private static void StringOrNull(Utf8JsonWriter w, string name, string? value)
    {
        if (value is null)
        {
            w.WriteNull(name);
        }
        else
        {
            w.WriteString(name, value);
        }
    }
}
