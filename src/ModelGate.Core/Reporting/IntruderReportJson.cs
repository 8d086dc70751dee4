using System.Text.Json;
using ModelGate.Core.Spectral;

namespace ModelGate.Core.Reporting;

/// <summary>
/// The JSON contract of an analysis (documented in docs/verdict-json.md, "The analysis JSON"). Field names are stable; new fields
/// may be added, none removed or renamed without a new <c>schemaVersion</c>.
/// </summary>
public static class IntruderReportJson
{
    public const int SchemaVersion = 1;

    public static string Serialize(IntruderReport report)
    {
        return JsonWriting.Indented(w => Write(w, report));
    }

    public static void Write(Utf8JsonWriter w, IntruderReport report)
    {
        w.WriteStartObject();
        w.WriteNumber("schemaVersion", SchemaVersion);
        w.WriteString("toolVersion", report.ToolVersion);
        w.WriteString("kind", report.Kind == ComparisonKind.Adapter ? "adapter" : "full-fine-tune");
        w.WriteString("baseModel", report.BaseModel);
        JsonWriting.Strings(w, "tuned", report.Tuned);
        w.WriteNumber("k", report.K);
        w.WriteNumber("epsilon", report.Epsilon);
        if (report.ModuleFilter is not null)
        {
            w.WriteString("moduleFilter", report.ModuleFilter);
        }

        w.WriteString("method", report.Method);
        w.WriteString("paths", report.Paths);
        w.WriteNumber("tolerance", report.Tolerance);
        if (report.CacheFolder is not null)
        {
            w.WriteString("cacheFolder", report.CacheFolder);
            w.WriteNumber("cacheMisses", report.CacheMisses);
        }

        if (report.Spectra is not null)
        {
            w.WriteString("spectra", report.Spectra);
            w.WriteNumber("spectraFetched", report.SpectraFetched);
        }

        w.WriteNumber("bytesFetched", report.BytesFetched);
        if (report.Shard is { } shard)
        {
            w.WriteStartObject("shard");
            w.WriteNumber("index", shard.Shard.Index);
            w.WriteNumber("count", shard.Shard.Count);
            w.WriteNumber("modules", shard.TotalModules);
            w.WriteString("modulesDigest", shard.ModulesDigest);
            JsonWriting.Strings(w, "adapterSha256", shard.AdapterSha256);
            w.WriteEndObject();
        }

        w.WriteString("device", report.Device);
        w.WriteNumber("elapsedSeconds", Math.Round(report.Elapsed.TotalSeconds, 3));
        w.WriteNumber("totalIntruders", report.TotalIntruders);
        w.WriteNumber("modulesAnalyzed", report.Modules.Count);
        w.WriteNumber("modulesWithIntruders", report.Modules.Count(m => m.Intruders > 0));

        w.WriteStartArray("sweep");
        var totals = report.SweepTotals;
        for (var i = 0; i < EpsilonSweep.Thresholds.Count; i++)
        {
            w.WriteStartObject();
            w.WriteNumber("epsilon", EpsilonSweep.Thresholds[i]);
            w.WriteNumber("intruders", totals[i]);
            w.WriteEndObject();
        }

        w.WriteEndArray();

        w.WriteStartArray("layers");
        foreach (var layer in report.Layers)
        {
            w.WriteStartObject();
            JsonWriting.Layer(w, layer.Layer);

            w.WriteNumber("modules", layer.Modules);
            w.WriteNumber("intruders", layer.Intruders);
            w.WriteEndObject();
        }

        w.WriteEndArray();

        w.WriteStartArray("modules");
        foreach (var m in report.Modules)
        {
            w.WriteStartObject();
            w.WriteString("name", m.Name);
            JsonWriting.Layer(w, m.Layer);

            w.WriteStartArray("shape");
            foreach (var d in m.Shape)
            {
                w.WriteNumberValue(d);
            }

            w.WriteEndArray();
            w.WriteNumber("intruders", m.Intruders);
            w.WriteString("method", m.Method);
            w.WriteNumber("relativeResidual", m.RelativeResidual);
            JsonWriting.Numbers(w, "intruderRanks", m.IntruderRanks.Select(r => (double)r));
            JsonWriting.Numbers(w, "maxCosines", m.MaxCosines.Select(c => Math.Round(c, 6)));
            JsonWriting.Numbers(w, "singularValues", m.SingularValues.Select(s => Math.Round(s, 6)));
            JsonWriting.Numbers(w, "baseSingularValues", m.BaseSingularValues.Select(s => Math.Round(s, 6)));
            JsonWriting.Numbers(w, "sweep", m.SweepCounts.Select(c => (double)c));
            if (report.Shard is not null && m.BaseKey is not null)
            {
                w.WriteString("baseKey", m.BaseKey);
            }

            w.WriteEndObject();
        }

        w.WriteEndArray();
        JsonWriting.Strings(w, "warnings", report.Warnings);
        w.WriteEndObject();
    }
}
