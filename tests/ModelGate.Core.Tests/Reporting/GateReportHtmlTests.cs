using System.Text.RegularExpressions;
using ModelGate.Core.Gating;
using ModelGate.Core.Reporting;
using ModelGate.Testing;
using static ModelGate.Core.Tests.Gating.SampleResults;

namespace ModelGate.Core.Tests.Reporting;

public sealed class GateReportHtmlTests : IDisposable
{
    private readonly TempDirectory _dir = new();

    public void Dispose() => _dir.Dispose();

    private static GateResult Failing() => Result(Analysis((Q0, 3), (V0, 0), (Down0, 1), (Q1, 0), (V1, 2)),
        baseline: new GateBaseline { Path = "releases/v1.verdict.json", Kind = "verdict", TotalIntruders = 4, Modules = new Dictionary<string, int> { [Q0] = 1 } });

    private static string Html(GateResult result) => GateReportHtml.Render(result, GateReportTemplate.Default.Render(result));

    [Fact]
    public void Html_IsOneSelfContainedFile()
    {
        var html = Html(Failing());

        Assert.StartsWith("<!DOCTYPE html>", html);
        Assert.DoesNotContain("<script", html, StringComparison.OrdinalIgnoreCase);
        Assert.DoesNotContain("<link", html, StringComparison.OrdinalIgnoreCase);
        Assert.DoesNotContain("@import", html, StringComparison.OrdinalIgnoreCase);
        Assert.DoesNotContain("url(", html, StringComparison.OrdinalIgnoreCase);
        Assert.DoesNotMatch(new Regex("(src|href)=\"(https?:)?//", RegexOptions.IgnoreCase), html);
    }

    [Fact]
    public void Html_MermaidChartsBecomeInlineSvg_AndTablesAreHtmlTables()
    {
        var html = Html(Failing());

        Assert.DoesNotContain("language-mermaid", html);
        Assert.Equal(3, Regex.Count(html, "<svg "));
        Assert.Contains("<title>Intruder dimensions per layer</title>", html);
        Assert.Contains("<title>Max |cos| of the top-k tuned vectors (all modules)</title>", html);
        Assert.Contains("<th>Rule</th>", html);
        Assert.Contains("<details>", html);
        Assert.DoesNotContain("| --- |", html);
        Assert.DoesNotContain("❌", html); // icons are drawn with CSS, not an emoji font the reader may lack
    }

    [Fact]
    public void Html_BannerCarriesTheVerdict()
    {
        Assert.Contains("<header id=\"verdict\" class=\"banner fail\" data-verdict=\"fail\"><span class=\"badge\">FAIL</span> <span class=\"decision\">Release blocked</span>", Html(Failing()));
        Assert.Contains("data-verdict=\"pass\"", Html(Result(Analysis((Q0, 0)))));
    }

    [Fact]
    public void Svg_OfAnXyChart_HasABarPerCategory()
    {
        var chart = XyChart.TryParse("xychart-beta\n    title \"T\"\n    x-axis [\"a\", \"b\", \"c\"]\n    y-axis \"n\" 0 --> 7\n    bar [1, 7, 0]\n    line [0, 2, 3]\n");

        Assert.NotNull(chart);
        Assert.Equal(("T", "n", 7.0), (chart.Title, chart.YLabel, chart.YMax));
        var svg = SvgChart.Render(chart);
        Assert.Equal(3, Regex.Count(svg, "<rect "));
        Assert.Equal(3, Regex.Count(svg, "<circle "));
        Assert.Contains("<title>b: 7</title>", svg);
        Assert.Null(XyChart.TryParse("graph TD\n  A --> B"));
    }

    [ChromiumFact]
    [Trait("Category", "Integration")]
    public async Task Html_RendersInHeadlessChromium_ShowingTheVerdict()
    {
        var file = _dir.File("report.html");
        File.WriteAllText(file, Html(Failing()));

        var dom = await HeadlessChromium.DumpDomAsync(file, _dir.File("profile"));

        Assert.Contains("data-verdict=\"fail\"", dom);
        Assert.Contains("Release blocked", dom);
        Assert.Contains("Intruder gate: FAIL", dom);
        Assert.Equal(3, Regex.Count(dom, "<svg "));

        // A picture for a person to look at (kept out of the repository, in the test's temp folder).
        var png = _dir.File("report.png");
        await HeadlessChromium.ScreenshotAsync(file, png, _dir.File("profile"));
        var bytes = File.ReadAllBytes(png);
        Assert.True(bytes.Length > 10_000, $"screenshot is only {bytes.Length} bytes");
        Assert.Equal([0x89, (byte)'P', (byte)'N', (byte)'G'], bytes.Take(4));
    }
}
