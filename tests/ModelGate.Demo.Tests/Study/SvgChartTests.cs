using System.Xml.Linq;
using ModelGate.Demo.Study;

namespace ModelGate.Demo.Tests.Study;

public sealed class SvgChartTests
{
    [Fact]
    public void Render_LogScaleSeriesWithMarkupInNames_IsWellFormedSvgWithAPointPerValue()
    {
        var chart = new SvgChart("a < b & c", "rank", "intruders",
            [new SvgSeries("lr 1e-3", [(1, 4), (4, 2), (64, 0)]), new SvgSeries("full <ft>", [(1, 1)], Joined: false)]) { LogX = true };

        var svg = XDocument.Parse(chart.Render());

        XNamespace ns = "http://www.w3.org/2000/svg";
        Assert.Equal(ns + "svg", svg.Root!.Name);
        Assert.Single(svg.Descendants(ns + "polyline"));
        Assert.Equal(3 + 1 + 2, svg.Descendants(ns + "circle").Count()); // points, then one legend mark per series
        Assert.Contains(svg.Descendants(ns + "text"), t => t.Value == "a < b & c");
        Assert.Contains(svg.Descendants(ns + "text"), t => t.Value == "64");
    }
}
