using System.Text;
using System.Text.Json;

namespace ModelGate.Demo.Study;

/// <summary>
/// results.json: the grid's settings and every run's numbers, exactly as measured (no timings, so two runs of the same
/// settings on one machine write the same bytes). <c>calibrate</c> and the page read the same fields.
/// </summary>
public static class StudyResultsJson
{
    public const string Kind = "modelgate.study";
    public const int SchemaVersion = 1;

    public static string Serialize(StudyResults results)
    {
        ArgumentNullException.ThrowIfNull(results);
        using var stream = new MemoryStream();
        using (var w = new Utf8JsonWriter(stream, new JsonWriterOptions { Indented = true }))
        {
            var s = results.Settings;
            w.WriteStartObject();
            w.WriteNumber("schemaVersion", SchemaVersion);
            w.WriteString("kind", Kind);
            w.WriteNumber("k", results.K);
            w.WriteNumber("epsilon", results.Epsilon);
            w.WriteStartObject("settings");
            w.WriteNumber("seed", s.Demo.Seed);
            w.WriteNumber("baseSteps", s.Demo.Model.Steps);
            Numbers(w, "ranks", s.Ranks.Select(r => (double)r));
            Numbers(w, "learningRates", s.LearningRates);
            Numbers(w, "seeds", s.Seeds.Select(x => (double)x));
            w.WriteNumber("loraSteps", s.Lora.Steps);
            w.WriteNumber("sequenceLength", s.Lora.SequenceLength);
            w.WriteNumber("batchSize", s.Lora.BatchSize);
            Numbers(w, "fullFineTuneLearningRates", s.FullFineTuneLearningRates);
            w.WriteNumber("fullFineTuneSteps", s.FullFineTune.Steps);
            w.WriteNumber("chainLength", s.ChainLength);
            w.WriteNumber("chainRank", s.Chain.Rank);
            w.WriteNumber("chainLearningRate", s.Chain.LearningRate);
            w.WriteNumber("chainSteps", s.Chain.Steps);
            Numbers(w, "repairLambdas", s.RepairLambdas);
            w.WriteEndObject();
            w.WriteStartArray("runs");
            foreach (var run in results.Runs)
            {
                Run(w, run);
            }

            w.WriteEndArray();
            w.WriteEndObject();
        }

        return Encoding.UTF8.GetString(stream.ToArray()) + "\n";
    }

    private static void Run(Utf8JsonWriter w, StudyRun run)
    {
        var m = run.Measurement;
        w.WriteStartObject();
        w.WriteString("name", run.Name);
        w.WriteString("kind", JsonNamingPolicy.CamelCase.ConvertName(run.Kind.ToString()));
        w.WriteString("folder", run.Folder);
        Optional(w, "rank", run.Rank);
        Optional(w, "learningRate", run.LearningRate);
        Optional(w, "seed", run.Seed);
        Optional(w, "step", run.Step);
        Optional(w, "newIntruders", run.NewIntruders);
        Optional(w, "lambda", run.Lambda);
        w.WriteNumber("intrudersTotal", m.IntrudersTotal);
        w.WriteNumber("intrudersMaxPerModule", m.IntrudersMaxPerModule);
        w.WriteNumber("intrudersMaxPerLayer", m.IntrudersMaxPerLayer);
        w.WriteNumber("modulesAnalysed", m.ModulesAnalysed);
        w.WriteNumber("prosePerplexityBase", m.ProsePerplexityBase);
        w.WriteNumber("prosePerplexity", m.ProsePerplexity);
        w.WriteNumber("forgettingPct", m.ForgettingPct);
        w.WriteNumber("codeLossBase", m.CodeLossBase);
        w.WriteNumber("codeLoss", m.CodeLoss);
        w.WriteEndObject();
    }

    private static void Optional(Utf8JsonWriter w, string name, double? value)
    {
        if (value is { } v)
        {
            w.WriteNumber(name, v);
        }
    }

    private static void Numbers(Utf8JsonWriter w, string name, IEnumerable<double> values)
    {
        w.WriteStartArray(name);
        foreach (var v in values)
        {
            w.WriteNumberValue(v);
        }

        w.WriteEndArray();
    }
}
