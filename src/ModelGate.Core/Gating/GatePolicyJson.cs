using System.Text;
using System.Text.Json;

namespace ModelGate.Core.Gating;

/// <summary>
/// Writes a whole policy in the file format <see cref="GatePolicyLoader"/> reads (docs/policy.md), every key spelt out
/// so that the file does not depend on the built-in default it would otherwise be laid over.
/// </summary>
public static class GatePolicyJson
{
    public static string Serialize(GatePolicy policy)
    {
        ArgumentNullException.ThrowIfNull(policy);
        using var stream = new MemoryStream();
        using (var w = new Utf8JsonWriter(stream, new JsonWriterOptions { Indented = true }))
        {
            w.WriteStartObject();
            w.WriteStartObject("analysis");
            w.WriteNumber("k", policy.Analysis.K);
            w.WriteNumber("epsilon", policy.Analysis.Epsilon);
            w.WriteString("method", policy.Analysis.Method);
            w.WriteString("modules", policy.Analysis.Modules);
            w.WriteEndObject();
            w.WriteString("failOn", GateWords.Of(policy.FailOn));

            w.WriteStartObject("intruders");
            Threshold(w, "total", policy.Intruders.Total);
            w.WriteStartArray("perModule");
            foreach (var entry in policy.Intruders.PerModule)
            {
                w.WriteStartObject();
                w.WriteString("match", entry.Match.Text);
                Levels(w, entry.Threshold);
                w.WriteEndObject();
            }

            w.WriteEndArray();
            Threshold(w, "perLayer", policy.Intruders.PerLayer);
            Threshold(w, "growth", policy.Intruders.Growth);
            w.WriteEndObject();
            w.WriteString("baseline", policy.Baseline);

            w.WriteStartObject("forgetting");
            w.WriteString("corpus", policy.Forgetting.Corpus);
            w.WriteStartArray("tasks");
            foreach (var task in policy.Forgetting.Tasks)
            {
                w.WriteStringValue(task);
            }

            w.WriteEndArray();
            w.WriteString("when", GateWords.Of(policy.Forgetting.When));
            if (policy.Forgetting.Limit is { } limit)
            {
                w.WriteNumber("limit", limit);
            }
            else
            {
                w.WriteNull("limit");
            }

            w.WriteString("textColumn", policy.Forgetting.TextColumn);
            foreach (var metric in ForgettingMetric.All)
            {
                Threshold(w, metric, policy.Forgetting.ThresholdFor(metric));
            }

            w.WriteEndObject();

            w.WriteStartObject("provenance");
            Finding(w, "baseMismatch", policy.Provenance.BaseMismatch);
            Finding(w, "zeroUpdate", policy.Provenance.ZeroUpdate);
            w.WriteEndObject();
            w.WriteEndObject();
        }

        return Encoding.UTF8.GetString(stream.ToArray()) + Environment.NewLine;
    }

    private static void Threshold(Utf8JsonWriter w, string name, Threshold? threshold)
    {
        if (threshold is null)
        {
            w.WriteNull(name);
            return;
        }

        w.WriteStartObject(name);
        Levels(w, threshold);
        w.WriteEndObject();
    }

    private static void Levels(Utf8JsonWriter w, Threshold threshold)
    {
        if (threshold.Warn is { } warn)
        {
            w.WriteNumber("warn", warn);
        }

        if (threshold.Fail is { } fail)
        {
            w.WriteNumber("fail", fail);
        }
    }

    private static void Finding(Utf8JsonWriter w, string name, RuleStatus? level)
    {
        if (level is { } l)
        {
            w.WriteString(name, GateWords.Of(l));
        }
        else
        {
            w.WriteNull(name);
        }
    }
}
