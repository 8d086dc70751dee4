using System.Text.Json;
using ModelGate.Core.Calibration;
using ModelGate.Core.Gating;
using ModelGate.Core.Reporting;

namespace ModelGate.Core.Tests.Reporting;

public sealed class CalibrationReportTests
{
    private static readonly CalibrationResult Result = ThresholdCalibration.Fit(
        [.. Enumerable.Range(0, 8).Select(i => new CalibrationSample($"runs/adapter {i}", i * 2, i, i, ForgettingMetric.PerplexityIncreasePct, "held-out.txt", i * 1.5, i >= 4))],
        GatePolicyLoader.Default.Forgetting);

    [Fact]
    public void Markdown_FittedCalibration_HasTheLevelsAQuadrantChartAndEveryAdapter()
    {
        var md = CalibrationReportMarkdown.Render(Result);

        Assert.Contains("| intruders.total | 6 | 0 | 0 |", md, StringComparison.Ordinal);
        Assert.Contains("```mermaid\nquadrantChart\n", md, StringComparison.Ordinal);
        // adapter 3 (total 6) sits just left of the middle line, adapter 4 (total 8) right of it.
        Assert.Contains("    adapter_3: [0.462, ", md, StringComparison.Ordinal);
        Assert.Contains("    adapter_4: [0.6, ", md, StringComparison.Ordinal);
        Assert.Contains("| runs/adapter 7 | 14 | 7 | 7 | 10.5 | none | yes |", md, StringComparison.Ordinal);
        Assert.Contains("Spearman ρ of total intruders against perplexityIncreasePct: **1**", md, StringComparison.Ordinal);
    }

    [Fact]
    public void Html_FittedCalibration_DrawsEachAdapterAsAPointOfAnInlineSvg()
    {
        var html = CalibrationReportHtml.Render(Result, CalibrationReportMarkdown.Render(Result));

        Assert.Contains("<svg xmlns=\"http://www.w3.org/2000/svg\" class=\"scatter\"", html, StringComparison.Ordinal);
        Assert.Equal(8, html.Split("<circle ").Length - 1);
        Assert.Equal(4, html.Split("class=\"forgets\"").Length - 1);
        Assert.DoesNotContain("quadrantChart", html, StringComparison.Ordinal);
    }

    [Fact]
    public void Json_FittedCalibration_CarriesLevelsCorrelationAndAdapters()
    {
        using var json = JsonDocument.Parse(CalibrationReportJson.Serialize(Result));
        var root = json.RootElement;

        Assert.Equal("modelgate.calibration", root.GetProperty("kind").GetString());
        Assert.Equal(6, root.GetProperty("thresholds").GetProperty("total").GetProperty("level").GetInt32());
        Assert.Equal(8, root.GetProperty("adapters").GetArrayLength());
        Assert.Equal(1, root.GetProperty("correlation").GetProperty("rho").GetDouble(), 12);
    }
}
