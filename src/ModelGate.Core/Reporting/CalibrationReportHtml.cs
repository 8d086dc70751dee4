using System.Globalization;
using System.Net;
using System.Text;
using Markdig;
using Markdig.Helpers;
using Markdig.Syntax;
using ModelGate.Core.Calibration;

namespace ModelGate.Core.Reporting;

/// <summary>
/// The calibration report as one HTML file: the Markdown report rendered with Markdig, its Mermaid quadrant chart
/// replaced by an inline SVG scatter drawn here (no JavaScript, nothing fetched from outside).
/// </summary>
public static class CalibrationReportHtml
{
    private const int Width = 640;
    private const int Height = 420;
    private const int Left = 56;
    private const int Right = 16;
    private const int Top = 36;
    private const int Bottom = 48;
    private static readonly CultureInfo Inv = CultureInfo.InvariantCulture;
    private static readonly MarkdownPipeline Pipeline = new MarkdownPipelineBuilder().UseAdvancedExtensions().Build();

    public static string Render(CalibrationResult result, string markdown)
    {
        ArgumentNullException.ThrowIfNull(result);
        var document = Markdown.Parse(markdown, Pipeline);
        foreach (var code in document.Descendants<FencedCodeBlock>().Where(b => b.Info == "mermaid").ToArray())
        {
            if (code.Parent is { } parent)
            {
                var figure = new HtmlBlock(null) { Type = HtmlBlockType.NonInterruptingBlock, Lines = new StringLineGroup(1) };
                figure.Lines.Add(new StringSlice($"<figure class=\"chart\">{Scatter(result)}</figure>"));
                parent[parent.IndexOf(code)] = figure;
            }
        }

        var html = new StringBuilder();
        html.Append("<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n<title>Intruder calibration</title>\n");
        html.Append("<style>\nbody { font: 15px/1.5 system-ui, sans-serif; max-width: 1040px; margin: 0 auto; padding: 8px 24px 48px; color: #1f2328; }\n");
        html.Append("table { border-collapse: collapse; } th, td { border: 1px solid #d1d9e0; padding: 4px 10px; }\n");
        html.Append(".grid { stroke: #d1d9e0; } .level { stroke: #59636e; stroke-dasharray: 4 3; } .tick, .axis-label { font-size: 11px; fill: #59636e; }\n");
        html.Append(".forgets { fill: #cf222e; } .fine { fill: #1a7f37; }\n</style>\n</head>\n<body>\n");
        html.Append(Markdig.Markdown.ToHtml(document, Pipeline));
        html.Append("</body>\n</html>\n");
        return html.ToString();
    }

    /// <summary>Each adapter a dot (red when it forgets) at <see cref="CalibrationScatter"/>'s positions, dashed lines at the levels.</summary>
    private static string Scatter(CalibrationResult result)
    {
        var plotW = Width - Left - Right;
        var plotH = Height - Top - Bottom;
        double X(double x) => Left + (x * plotW);
        double Y(double y) => Top + plotH - (y * plotH);
        var metric = result.Samples[0].Metric;
        var svg = new StringBuilder();
        svg.Append(Inv, $"<svg xmlns=\"http://www.w3.org/2000/svg\" class=\"scatter\" role=\"img\" viewBox=\"0 0 {Width} {Height}\" width=\"{Width}\" height=\"{Height}\" aria-label=\"Total intruders against {Esc(metric)}\">");
        svg.Append(Inv, $"<title>Total intruders against {Esc(metric)}</title>");
        svg.Append(Inv, $"<rect x=\"{Left}\" y=\"{Top}\" width=\"{plotW}\" height=\"{plotH}\" fill=\"none\" class=\"grid\"/>");
        if (result.Total.Level is { } level)
        {
            svg.Append(Inv, $"<line x1=\"{F(X(0.5))}\" y1=\"{Top}\" x2=\"{F(X(0.5))}\" y2=\"{Top + plotH}\" class=\"level\"><title>fitted total level {level}</title></line>");
        }

        svg.Append(Inv, $"<line x1=\"{Left}\" y1=\"{F(Y(0.5))}\" x2=\"{Left + plotW}\" y2=\"{F(Y(0.5))}\" class=\"level\"><title>fail level {F(result.FailLevel)}</title></line>");
        svg.Append(Inv, $"<text x=\"{Left + (plotW / 2)}\" y=\"{Height - 12}\" text-anchor=\"middle\" class=\"axis-label\">total intruders (fitted level at the dashed line)</text>");
        svg.Append(Inv, $"<text x=\"14\" y=\"{Top + (plotH / 2)}\" transform=\"rotate(-90 14 {Top + (plotH / 2)})\" text-anchor=\"middle\" class=\"axis-label\">{Esc(metric)} (fail level at the dashed line)</text>");
        foreach (var (s, x, y) in CalibrationScatter.Points(result))
        {
            svg.Append(Inv, $"<circle cx=\"{F(X(x))}\" cy=\"{F(Y(y))}\" r=\"5\" class=\"{(s.Forgets ? "forgets" : "fine")}\"><title>{Esc(s.Adapter)}: {s.TotalIntruders} intruders, {Esc(metric)} {F(s.Delta)}{(s.Forgets ? ", forgets" : "")}</title></circle>");
        }

        svg.Append("</svg>");
        return svg.ToString();
    }

    private static string F(double v) => v.ToString("0.##", Inv);

    private static string Esc(string text) => WebUtility.HtmlEncode(text);
}
