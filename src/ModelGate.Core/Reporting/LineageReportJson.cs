using System.Text.Json;
using ModelGate.Core.Lineage;

namespace ModelGate.Core.Reporting;

/// <summary>
/// The JSON contract of a lineage (documented in docs/cli/lineage.md). Field names are stable; new fields may be
/// added, none removed or renamed without a new <c>schemaVersion</c>.
/// </summary>
public static class LineageReportJson
{
    public const int SchemaVersion = 1;

    public static string Serialize(LineageReport report)
    {
        return JsonWriting.Indented(w => Write(w, report));
    }

    public static void Write(Utf8JsonWriter w, LineageReport report)
    {
        w.WriteStartObject();
        w.WriteNumber("schemaVersion", SchemaVersion);
        w.WriteString("toolVersion", report.ToolVersion);
        w.WriteString("kind", "lineage");
        w.WriteString("baseModel", report.BaseModel);
        JsonWriting.Strings(w, "adapters", report.Adapters);
        w.WriteNumber("k", report.K);
        w.WriteNumber("epsilon", report.Epsilon);
        if (report.ModuleFilter is not null)
        {
            w.WriteString("moduleFilter", report.ModuleFilter);
        }

        w.WriteString("method", report.Method);
        w.WriteString("device", report.Device);
        w.WriteNumber("elapsedSeconds", Math.Round(report.Elapsed.TotalSeconds, 3));
        w.WriteNumber("totalCumulative", report.TotalCumulative);
        w.WriteNumber("maxGrowth", report.MaxGrowth);

        w.WriteStartArray("steps");
        foreach (var step in report.Steps)
        {
            w.WriteStartObject();
            w.WriteNumber("step", step.Step);
            w.WriteString("adapter", step.Adapter);
            w.WriteNumber("totalCumulative", step.TotalCumulative);
            w.WriteNumber("totalNew", step.TotalNew);
            w.WriteNumber("growth", step.Growth);
            w.WriteBoolean("grew", step.Grew);
            w.WriteStartArray("layers");
            foreach (var layer in step.Layers)
            {
                w.WriteStartObject();
                JsonWriting.Layer(w, layer.Layer);
                w.WriteNumber("cumulative", layer.Cumulative);
                w.WriteNumber("new", layer.New);
                w.WriteEndObject();
            }

            w.WriteEndArray();
            w.WriteStartArray("modules");
            foreach (var m in step.Modules)
            {
                w.WriteStartObject();
                w.WriteString("name", m.Name);
                JsonWriting.Layer(w, m.Layer);
                w.WriteNumber("cumulative", m.Cumulative);
                w.WriteNumber("new", m.New);
                w.WriteBoolean("changedByStep", m.ChangedByStep);
                w.WriteEndObject();
            }

            w.WriteEndArray();
            w.WriteEndObject();
        }

        w.WriteEndArray();
        JsonWriting.Strings(w, "warnings", report.Warnings);
        w.WriteEndObject();
    }
}
