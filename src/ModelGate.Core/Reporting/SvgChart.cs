using System.Globalization;
using System.Net;
using System.Text;

namespace ModelGate.Core.Reporting;

/// <summary>Draws an <see cref="XyChart"/> as a self-contained inline SVG (no fonts, scripts or stylesheets from outside).</summary>
public static class SvgChart
{
    private const int Width = 720;
    private const int Height = 280;
    private const int Left = 56;
    private const int Right = 16;
    private const int Top = 36;
    private const int Bottom = 64;
    private static readonly CultureInfo Inv = CultureInfo.InvariantCulture;

    public static string Render(XyChart chart)
    {
        var plotW = Width - Left - Right;
        var plotH = Height - Top - Bottom;
        var n = chart.Categories.Count;
        var slot = (double)plotW / n;
        var yMax = NiceMax(chart.YMax);
        double Y(double v) => Top + plotH - (v / yMax * plotH);
        double X(int i) => Left + (slot * i) + (slot / 2);

        var svg = new StringBuilder();
        svg.Append(Inv, $"<svg xmlns=\"http://www.w3.org/2000/svg\" class=\"chart\" role=\"img\" viewBox=\"0 0 {Width} {Height}\" width=\"{Width}\" height=\"{Height}\" aria-label=\"{Esc(chart.Title)}\">");
        svg.Append(Inv, $"<title>{Esc(chart.Title)}</title>");
        svg.Append(Inv, $"<text x=\"{Width / 2}\" y=\"20\" text-anchor=\"middle\" class=\"chart-title\">{Esc(chart.Title)}</text>");

        // Grid and y ticks: five steps of a round number.
        for (var t = 0; t <= 5; t++)
        {
            var v = yMax * t / 5;
            var y = Y(v);
            svg.Append(Inv, $"<line x1=\"{Left}\" y1=\"{F(y)}\" x2=\"{Width - Right}\" y2=\"{F(y)}\" class=\"grid\"/>");
            svg.Append(Inv, $"<text x=\"{Left - 6}\" y=\"{F(y + 4)}\" text-anchor=\"end\" class=\"tick\">{F(v)}</text>");
        }

        if (chart.YLabel.Length > 0)
        {
            svg.Append(Inv, $"<text x=\"14\" y=\"{Top + (plotH / 2)}\" transform=\"rotate(-90 14 {Top + (plotH / 2)})\" text-anchor=\"middle\" class=\"axis-label\">{Esc(chart.YLabel)}</text>");
        }

        var barW = Math.Max(2, slot * 0.7);
        for (var i = 0; i < n; i++)
        {
            if (i < chart.Bars.Count)
            {
                var v = chart.Bars[i];
                var y = Y(Math.Max(0, v));
                svg.Append(Inv, $"<rect x=\"{F(X(i) - (barW / 2))}\" y=\"{F(y)}\" width=\"{F(barW)}\" height=\"{F(Top + plotH - y)}\" class=\"bar\"><title>{Esc(chart.Categories[i])}: {F(v)}</title></rect>");
                if (n <= 40)
                {
                    svg.Append(Inv, $"<text x=\"{F(X(i))}\" y=\"{F(y - 4)}\" text-anchor=\"middle\" class=\"value\">{F(v)}</text>");
                }
            }

            // Label every category when they fit, else about twenty of them.
            var every = Math.Max(1, (int)Math.Ceiling(n / 20.0));
            if (i % every == 0)
            {
                var lx = X(i);
                var ly = Top + plotH + 14;
                svg.Append(n > 12
                    ? string.Create(Inv, $"<text x=\"{F(lx)}\" y=\"{ly}\" transform=\"rotate(45 {F(lx)} {ly})\" class=\"tick\">{Esc(chart.Categories[i])}</text>")
                    : string.Create(Inv, $"<text x=\"{F(lx)}\" y=\"{ly}\" text-anchor=\"middle\" class=\"tick\">{Esc(chart.Categories[i])}</text>"));
            }
        }

        if (chart.Line.Count > 0)
        {
            var points = string.Join(" ", chart.Line.Take(n).Select((v, i) => $"{F(X(i))},{F(Y(Math.Max(0, v)))}"));
            svg.Append(Inv, $"<polyline points=\"{points}\" class=\"line\"/>");
            foreach (var (v, i) in chart.Line.Take(n).Select((v, i) => (v, i)))
            {
                svg.Append(Inv, $"<circle cx=\"{F(X(i))}\" cy=\"{F(Y(Math.Max(0, v)))}\" r=\"3\" class=\"point\"><title>{Esc(chart.Categories[i])}: {F(v)}</title></circle>");
            }
        }

        svg.Append(Inv, $"<line x1=\"{Left}\" y1=\"{Top + plotH}\" x2=\"{Width - Right}\" y2=\"{Top + plotH}\" class=\"axis\"/>");
        svg.Append("</svg>");
        return svg.ToString();
    }

    /// <summary>The smallest of 1, 2, 2.5, 5 × 10ⁿ at or above <paramref name="max"/>, so ticks are round numbers.</summary>
    public static double NiceMax(double max)
    {
        if (max <= 0)
        {
            return 1;
        }

        var magnitude = Math.Pow(10, Math.Floor(Math.Log10(max)));
        foreach (var step in new[] { 1, 2, 2.5, 5, 10 })
        {
            if (step * magnitude >= max)
            {
                return step * magnitude;
            }
        }

        return 10 * magnitude;
    }

    private static string F(double v) => Math.Round(v, 2).ToString("0.##", Inv);

    private static string Esc(string s) => WebUtility.HtmlEncode(s);
}
