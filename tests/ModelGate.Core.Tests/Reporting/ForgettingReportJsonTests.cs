using System.Text.Json;
using ModelGate.Core.Reporting;

namespace ModelGate.Core.Tests.Reporting;

public sealed class ForgettingReportJsonTests
{
    [Fact]
    public void Serialize_BlocksAndAMissingInterval_SaysWhatWasResampledAndWhyThereIsNoInterval()
    {
        using var json = JsonDocument.Parse(ForgettingReportJson.Serialize(SampleForgettingReports.OneDocumentAndATask()));

        var datasets = json.RootElement.GetProperty("datasets");
        Assert.Equal("""{"unit":"blocks","count":37,"blockTokens":32}""", datasets[0].GetProperty("resampled").GetRawText().Replace(" ", "", StringComparison.Ordinal).ReplaceLineEndings(""));
        Assert.Equal("""{"unit":"items","count":40}""", datasets[1].GetProperty("resampled").GetRawText().Replace(" ", "", StringComparison.Ordinal).ReplaceLineEndings(""));
        var metrics = json.RootElement.GetProperty("metrics");
        Assert.Equal((6.1, JsonValueKind.Null, 1.25), (metrics[0].GetProperty("ciLow").GetDouble(), metrics[0].GetProperty("intervalUnavailable").ValueKind, metrics[0].GetProperty("minimumDetectableEffect").GetDouble()));
        Assert.Equal((JsonValueKind.Null, JsonValueKind.Null), (metrics[1].GetProperty("ciLow").ValueKind, metrics[1].GetProperty("ciHigh").ValueKind));
        Assert.Equal("zero width: the resampled deltas did not vary", metrics[1].GetProperty("intervalUnavailable").GetString());
        Assert.Equal(JsonValueKind.Null, metrics[1].GetProperty("mcnemar").ValueKind);
        var mcnemar = metrics[2].GetProperty("mcnemar");
        Assert.Equal((10, 2, 0.03857421875), (mcnemar.GetProperty("b").GetInt32(), mcnemar.GetProperty("c").GetInt32(), mcnemar.GetProperty("p").GetDouble()));
    }

    [Fact]
    public void Serialize_DatasetReadAsAnLmEvalTask_NamesTaskSplitRevisionAndRows()
    {
        var sample = SampleForgettingReports.OneDocumentAndATask();
        var report = sample with { Datasets = [sample.Datasets[0], sample.Datasets[1] with { Task = "arc_easy", Split = "test" }] };

        using var json = JsonDocument.Parse(ForgettingReportJson.Serialize(report));

        var datasets = json.RootElement.GetProperty("datasets");
        Assert.False(datasets[0].TryGetProperty("task", out _)); // a corpus file: as before
        var task = datasets[1];
        Assert.Equal(("arc_easy", "test", JsonValueKind.Null, 40),
            (task.GetProperty("task").GetString(), task.GetProperty("split").GetString(), task.GetProperty("revision").ValueKind, task.GetProperty("rows").GetInt32()));
        Assert.Equal("Read as lm-eval tasks: arc (lm-eval arc_easy, test split, local file, 40 rows).", ForgettingMetricText.TaskSources(report));
    }
}
