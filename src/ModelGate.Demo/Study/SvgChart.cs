using System.Globalization;
using System.Text;

namespace ModelGate.Demo.Study;

/// <summary>
/// A small line-and-point chart written as standalone SVG: axes with ticks at the data's x values and at round y values,
/// axis labels, a title and a legend. Enough for the study's plots without a charting package (the ones on the mirror
/// draw through native Skia); the output depends only on the data, so it is the same on every machine.
/// </summary>
public sealed record SvgChart(string Title, string XLabel, string YLabel, IReadOnlyList<SvgSeries> Series)
{
    private const double Width = 640, Height = 380, Left = 70, Right = 190, Top = 40, Bottom = 55;
    private static readonly string[] Colours = ["#1f77b4", "#d62728", "#2ca02c", "#ff7f0e", "#9467bd", "#8c564b", "#e377c2"];

    /// <summary>Places x on a log scale (ranks, learning rates); every x must be positive.</summary>
    public bool LogX { get; init; }

    public string Render()
    {
        var points = Series.SelectMany(s => s.Points).ToArray();
        var xs = points.Select(p => Scale(p.X)).DefaultIfEmpty(0).ToArray();
        var (xMin, xMax) = Widen(xs.Min(), xs.Max());
        var yTicks = Ticks(Math.Min(0, points.Select(p => p.Y).DefaultIfEmpty(0).Min()), points.Select(p => p.Y).DefaultIfEmpty(1).Max());
        var (yMin, yMax) = (yTicks[0], yTicks[^1]);
        double PlotX(double x) => Left + ((Scale(x) - xMin) / (xMax - xMin) * (Width - Left - Right));
        double PlotY(double y) => Height - Bottom - ((y - yMin) / (yMax - yMin) * (Height - Top - Bottom));

        var svg = new StringBuilder();
        svg.Append(Invariant($"<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"{Width}\" height=\"{Height}\" viewBox=\"0 0 {Width} {Height}\" font-family=\"sans-serif\" font-size=\"12\">\n"));
        svg.Append(Invariant($"<rect width=\"{Width}\" height=\"{Height}\" fill=\"white\"/>\n"));
        svg.Append(Invariant($"<text x=\"{Width / 2}\" y=\"22\" text-anchor=\"middle\" font-size=\"15\">{Escape(Title)}</text>\n"));
        var (x0, x1, y0, y1) = (Left, Width - Right, Height - Bottom, Top);
        svg.Append(Invariant($"<line x1=\"{x0}\" y1=\"{y0}\" x2=\"{x1}\" y2=\"{y0}\" stroke=\"black\"/>\n<line x1=\"{x0}\" y1=\"{y0}\" x2=\"{x0}\" y2=\"{y1}\" stroke=\"black\"/>\n"));
        foreach (var x in points.Select(p => p.X).Distinct().Order())
        {
            var px = Round(PlotX(x));
            svg.Append(Invariant($"<line x1=\"{px}\" y1=\"{y0}\" x2=\"{px}\" y2=\"{y0 + 5}\" stroke=\"black\"/><text x=\"{px}\" y=\"{y0 + 18}\" text-anchor=\"middle\">{Label(x)}</text>\n"));
        }

        foreach (var y in yTicks)
        {
            var py = Round(PlotY(y));
            svg.Append(Invariant($"<line x1=\"{x0 - 5}\" y1=\"{py}\" x2=\"{x1}\" y2=\"{py}\" stroke=\"#dddddd\"/><text x=\"{x0 - 8}\" y=\"{py + 4}\" text-anchor=\"end\">{Label(y)}</text>\n"));
        }

        svg.Append(Invariant($"<text x=\"{(x0 + x1) / 2}\" y=\"{Height - 12}\" text-anchor=\"middle\">{Escape(XLabel)}</text>\n"));
        svg.Append(Invariant($"<text x=\"16\" y=\"{(y0 + y1) / 2}\" text-anchor=\"middle\" transform=\"rotate(-90 16 {(y0 + y1) / 2})\">{Escape(YLabel)}</text>\n"));
        for (var i = 0; i < Series.Count; i++)
        {
            var (series, colour) = (Series[i], Colours[i % Colours.Length]);
            var placed = series.Points.OrderBy(p => p.X).Select(p => (X: Round(PlotX(p.X)), Y: Round(PlotY(p.Y)))).ToArray();
            if (series.Joined && placed.Length > 1)
            {
                svg.Append(Invariant($"<polyline fill=\"none\" stroke=\"{colour}\" stroke-width=\"2\" points=\"{string.Join(" ", placed.Select(p => Invariant($"{p.X},{p.Y}")))}\"/>\n"));
            }

            foreach (var (px, py) in placed)
            {
                svg.Append(Invariant($"<circle cx=\"{px}\" cy=\"{py}\" r=\"4\" fill=\"{colour}\"/>\n"));
            }

            var ly = Top + 10 + (i * 20);
            svg.Append(Invariant($"<circle cx=\"{x1 + 20}\" cy=\"{ly}\" r=\"4\" fill=\"{colour}\"/><text x=\"{x1 + 30}\" y=\"{ly + 4}\">{Escape(series.Name)}</text>\n"));
        }

        svg.Append("</svg>\n");
        return svg.ToString();
    }

    private double Scale(double x) => LogX ? Math.Log10(x) : x;

    private static (double Min, double Max) Widen(double min, double max)
    {
        var pad = max > min ? (max - min) * 0.05 : 0.5;
        return (min - pad, max + pad);
    }

    /// <summary>Five or so round values from at most <paramref name="min"/> to at least <paramref name="max"/>.</summary>
    private static double[] Ticks(double min, double max)
    {
        if (max <= min)
        {
            max = min + 1;
        }

        var raw = (max - min) / 5;
        var magnitude = Math.Pow(10, Math.Floor(Math.Log10(raw)));
        var step = new[] { 1, 2, 2.5, 5, 10 }.Select(f => f * magnitude).First(s => s >= raw);
        var first = Math.Floor(min / step) * step;
        var count = (int)Math.Ceiling((max - first) / step - 1e-9);
        return [.. Enumerable.Range(0, count + 1).Select(i => Math.Round(first + (i * step), 10))];
    }

    private static double Round(double value) => Math.Round(value, 1);

    private static string Label(double value) => value.ToString("0.####", CultureInfo.InvariantCulture);

    private static string Invariant(FormattableString text) => text.ToString(CultureInfo.InvariantCulture);

    private static string Escape(string text) => text.Replace("&", "&amp;", StringComparison.Ordinal).Replace("<", "&lt;", StringComparison.Ordinal).Replace(">", "&gt;", StringComparison.Ordinal);
}
