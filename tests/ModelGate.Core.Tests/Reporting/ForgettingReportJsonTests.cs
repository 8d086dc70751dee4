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
}
