using System.Text.Json;
using ModelGate.Core.Forgetting;

namespace ModelGate.Core.Reporting;

/// <summary>
/// The <c>forgetting --format json</c> contract (schemaVersion 1): the tool version and, when kept as evidence, the
/// base's and adapters' identity (weights SHA-256, registry revision) and each dataset's SHA-256; settings, datasets, every metric for base and
/// merged with the delta (positive = worse), its interval (null with the reason when there is none), its minimum
/// detectable effect and, for accuracies, the McNemar test; per dataset the units resampled; the throughput of each model's pass.
/// </summary>
public static class ForgettingReportJson
{
    /// <summary>The <c>kind</c> that tells a forgetting report from other JSON.</summary>
    public const string Kind = "modelgate.forgetting";

    public const int SchemaVersion = 1;

    public static string Serialize(ForgettingReport report) => JsonWriting.Indented(w =>
    {
        w.WriteStartObject();
        w.WriteNumber("schemaVersion", SchemaVersion);
        w.WriteString("kind", Kind);
        w.WriteString("toolVersion", ToolVersion.Current);
        if (report.Provenance is { } provenance)
        {
            Model(w, "base", provenance.Base);
            w.WriteStartArray("adapters");
            foreach (var adapter in provenance.Adapters)
            {
                Model(w, null, adapter);
            }

            w.WriteEndArray();
        }

        w.WriteString("modelType", report.ModelType);
        w.WriteString("modelKind", report.Kind.ToString().ToLowerInvariant());
        w.WriteString("tokenizer", report.Tokenizer);
        w.WriteNumber("maxLength", report.MaxLength);
        w.WriteNumber("stride", report.Stride);
        w.WriteNumber("batchSize", report.Settings.BatchSize);
        w.WriteBoolean("prependBos", report.Settings.PrependBos);
        w.WriteNumber("bootstrap", report.Settings.BootstrapSamples);
        w.WriteNumber("seed", report.Settings.Seed);
        w.WriteNumber("confidence", report.Settings.Confidence);
        w.WriteStartArray("datasets");
        foreach (var d in report.Datasets)
        {
            w.WriteStartObject();
            w.WriteString("name", d.Name);
            w.WriteString("kind", d.Kind);
            w.WriteNumber(d.Kind == "task" ? "items" : "documents", d.Units);
            w.WriteNumber("tokens", d.Tokens);
            if (d.Task is not null)
            {
                // The lm-eval task a dataset's rows were read as: its name, the split, the revision (null: a local file) and the rows scored.
                w.WriteString("task", d.Task);
                w.WriteString("split", d.Split);
                w.WriteString("revision", d.Revision);
                w.WriteNumber("rows", d.Units);
            }

            if (report.Provenance?.DatasetSha256.GetValueOrDefault(d.Name) is { } sha256)
            {
                w.WriteString("sha256", sha256);
            }

            if (report.Provenance?.DatasetSources.GetValueOrDefault(d.Name) is { } source)
            {
                w.WriteString("source", source);
            }

            w.WriteStartObject("resampled");
            w.WriteString("unit", d.Resampled.Unit);
            w.WriteNumber("count", d.Resampled.Count);
            if (d.Resampled.BlockTokens is { } blockTokens)
            {
                w.WriteNumber("blockTokens", blockTokens);
            }

            w.WriteEndObject();
            w.WriteEndObject();
        }

        w.WriteEndArray();
        w.WriteStartArray("metrics");
        foreach (var m in report.Metrics)
        {
            Metric(w, m);
        }

        w.WriteEndArray();
        w.WriteStartObject("throughput");
        Throughput(w, "base", report.BaseThroughput);
        Throughput(w, "merged", report.MergedThroughput);
        w.WriteEndObject();
        w.WriteNumber("seconds", Math.Round(report.Elapsed.TotalSeconds, 3));
        w.WriteEndObject();
    });

    /// <summary>One metric object of the contract (also the objects of a repair sweep's <c>metrics</c>).</summary>
    internal static void Metric(Utf8JsonWriter w, ForgettingMetric m)
    {
        w.WriteStartObject();
        w.WriteString("dataset", m.Dataset);
        w.WriteString("metric", m.Metric);
        w.WriteBoolean("gated", m.IsGated);
        Number(w, "base", m.Base);
        Number(w, "merged", m.Merged);
        Number(w, "delta", m.Delta);
        Number(w, "ciLow", m.CiLow);
        Number(w, "ciHigh", m.CiHigh);
        w.WriteString("intervalUnavailable", m.IntervalUnavailable); // null when there is an interval

        Number(w, "minimumDetectableEffect", m.MinimumDetectableEffect);
        if (m.McNemar is { } t)
        {
            w.WriteStartObject("mcnemar");
            w.WriteNumber("b", t.B);
            w.WriteNumber("c", t.C);
            w.WriteNumber("p", t.P);
            w.WriteEndObject();
        }
        else
        {
            w.WriteNull("mcnemar");
        }

        w.WriteEndObject();
    }

    internal static void Number(Utf8JsonWriter w, string name, double? value)
    {
        if (value is { } v && double.IsFinite(v))
        {
            w.WriteNumber(name, v);
        }
        else
        {
            w.WriteNull(name);
        }
    }

    private static void Model(Utf8JsonWriter w, string? name, MeasuredModel model)
    {
        if (name is null)
        {
            w.WriteStartObject();
        }
        else
        {
            w.WriteStartObject(name);
        }

        w.WriteString("model", model.Model);
        w.WriteString("sha256", model.Sha256);
        w.WriteString("revision", model.Revision);
        w.WriteEndObject();
    }

    private static void Throughput(Utf8JsonWriter w, string name, ScoringThroughput t)
    {
        w.WriteStartObject(name);
        w.WriteNumber("tokens", t.Tokens);
        w.WriteNumber("seconds", Math.Round(t.Elapsed.TotalSeconds, 3));
        w.WriteNumber("tokensPerSecond", Math.Round(t.TokensPerSecond, 1));
        w.WriteEndObject();
    }
}
