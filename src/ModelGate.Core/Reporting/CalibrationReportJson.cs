using System.Text.Json;
using ModelGate.Core.Calibration;

namespace ModelGate.Core.Reporting;

/// <summary>The whole calibration as JSON (<c>calibrate --format json</c>, docs/cli/calibrate.md): every adapter, the fitted levels, the correlation.</summary>
public static class CalibrationReportJson
{
    public const string Kind = "modelgate.calibration";

    public static string Serialize(CalibrationResult result)
    {
        ArgumentNullException.ThrowIfNull(result);
        return JsonWriting.Indented(w =>
        {
            w.WriteStartObject();
            w.WriteString("kind", Kind);
            w.WriteNumber("schemaVersion", 1);
            w.WriteNumber("failLevel", result.FailLevel);
            w.WriteStartArray("adapters");
            foreach (var s in result.Samples)
            {
                w.WriteStartObject();
                w.WriteString("adapter", s.Adapter);
                w.WriteNumber("totalIntruders", s.TotalIntruders);
                w.WriteNumber("maxModuleIntruders", s.MaxModuleIntruders);
                w.WriteNumber("maxLayerIntruders", s.MaxLayerIntruders);
                w.WriteString("metric", s.Metric);
                w.WriteString("dataset", s.Dataset);
                w.WriteNumber("delta", s.Delta);
                Optional(w, "ciLow", s.Interval?.Low);
                Optional(w, "ciHigh", s.Interval?.High);
                w.WriteBoolean("forgets", s.Forgets);
                w.WriteEndObject();
            }

            w.WriteEndArray();
            w.WriteStartObject("thresholds");
            Fit(w, "total", result.Total);
            Fit(w, "perModule", result.PerModule);
            Fit(w, "perLayer", result.PerLayer);
            Fit(w, "combined", result.Combined);
            w.WriteEndObject();
            w.WriteStartObject("correlation");
            w.WriteString("method", "spearman");
            w.WriteNumber("n", result.Correlation.Count);
            Optional(w, "rho", result.Correlation.Rho);
            Optional(w, "ciLow", result.Correlation.Low);
            Optional(w, "ciHigh", result.Correlation.High);
            w.WriteEndObject();
            JsonWriting.Strings(w, "warnings", result.Warnings);
            w.WriteEndObject();
        }) + Environment.NewLine;
    }

    private static void Fit(Utf8JsonWriter w, string name, FittedThreshold fit)
    {
        w.WriteStartObject(name);
        Optional(w, "level", fit.Level);
        w.WriteNumber("wronglyPassed", fit.WronglyPassed);
        w.WriteNumber("wronglyBlocked", fit.WronglyBlocked);
        if (fit.Reason is { } reason)
        {
            w.WriteString("reason", reason);
        }

        w.WriteEndObject();
    }

    private static void Optional(Utf8JsonWriter w, string name, double? value)
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
}
