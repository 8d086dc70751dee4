using ModelGate.Core.Gating;
using ModelGate.Core.Repair;

namespace ModelGate.Core.Reporting;

/// <summary>
/// The repair sweep's JSON contract (schemaVersion 1): per λ the repaired adapter's intruders, its forgetting
/// metrics (the same objects as <c>forgetting --format json</c>), the forgetting rules' results, whether it passes
/// and its task cost; then the chosen λ (null when none passes) and where it was written.
/// </summary>
public static class RepairSweepJson
{
    /// <summary>The <c>kind</c> that tells a repair sweep from other JSON.</summary>
    public const string Kind = "modelgate.repairSweep";

    public const int SchemaVersion = 1;

    public static string Serialize(RepairSweepResult result)
    {
        ArgumentNullException.ThrowIfNull(result);
        return JsonWriting.Indented(w =>
        {
            w.WriteStartObject();
            w.WriteNumber("schemaVersion", SchemaVersion);
            w.WriteString("kind", Kind);
            w.WriteString("toolVersion", ToolVersion.Current);
            w.WriteNumber("intrudersBefore", result.IntrudersBefore);
            w.WriteString("taskCorpus", result.TaskCorpus is null ? null : Path.GetFileName(result.TaskCorpus));
            w.WriteStartArray("sweep");
            foreach (var p in result.Points)
            {
                w.WriteStartObject();
                w.WriteNumber("lambda", p.Lambda);
                w.WriteNumber("intruders", p.Intruders);
                w.WriteBoolean("passes", p.Passes);
                ForgettingReportJson.Number(w, "taskCost", p.TaskCost);
                w.WriteStartArray("rules");
                foreach (var r in p.Rules)
                {
                    w.WriteStartObject();
                    w.WriteString("id", r.Id);
                    w.WriteString("code", r.Code);
                    w.WriteString("status", GateWords.Of(r.Status));
                    w.WriteString("target", r.Target);
                    ForgettingReportJson.Number(w, "observed", r.Observed);
                    w.WriteString("message", r.Message);
                    w.WriteEndObject();
                }

                w.WriteEndArray();
                w.WriteStartArray("metrics");
                foreach (var m in p.Forgetting.Metrics)
                {
                    ForgettingReportJson.Metric(w, m);
                }

                w.WriteEndArray();
                w.WriteEndObject();
            }

            w.WriteEndArray();
            ForgettingReportJson.Number(w, "chosenLambda", result.Chosen?.Lambda);
            w.WriteString("output", result.OutputFolder);
            w.WriteEndObject();
        });
    }
}
