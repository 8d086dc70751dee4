using System.Globalization;
using System.Text.RegularExpressions;

namespace ModelGate.Core.Reporting;

/// <summary>
/// The subset of a Mermaid <c>xychart-beta</c> block that our reports write (title, x-axis categories, y-axis label
/// and range, bar and line series), read back so the HTML report can draw it as SVG without JavaScript.
/// </summary>
public sealed partial record XyChart(string Title, IReadOnlyList<string> Categories, string YLabel, double YMax,
    IReadOnlyList<double> Bars, IReadOnlyList<double> Line)
{
    /// <summary>Parses a chart, or returns null for anything else (another Mermaid diagram, a form we do not draw).</summary>
    public static XyChart? TryParse(string mermaid)
    {
        var lines = mermaid.Split('\n').Select(l => l.Trim()).Where(l => l.Length > 0).ToArray();
        if (lines.Length == 0 || !lines[0].StartsWith("xychart-beta", StringComparison.Ordinal))
        {
            return null;
        }

        string title = "", yLabel = "";
        double? yMax = null;
        IReadOnlyList<string> categories = [];
        IReadOnlyList<double> bars = [], line = [];
        foreach (var l in lines.Skip(1))
        {
            if (l.StartsWith("title ", StringComparison.Ordinal))
            {
                title = Unquote(l["title ".Length..].Trim());
            }
            else if (l.StartsWith("x-axis ", StringComparison.Ordinal) && Bracketed().Match(l) is { Success: true } x)
            {
                categories = Items(x.Groups[1].Value).Select(Unquote).ToArray();
            }
            else if (l.StartsWith("y-axis ", StringComparison.Ordinal))
            {
                var m = YAxis().Match(l);
                if (m.Success)
                {
                    yLabel = Unquote(m.Groups["label"].Value.Trim());
                    if (m.Groups["max"].Success && double.TryParse(m.Groups["max"].Value, CultureInfo.InvariantCulture, out var max))
                    {
                        yMax = max;
                    }
                }
            }
            else if (l.StartsWith("bar ", StringComparison.Ordinal) && Bracketed().Match(l) is { Success: true } b)
            {
                bars = Numbers(b.Groups[1].Value);
            }
            else if (l.StartsWith("line ", StringComparison.Ordinal) && Bracketed().Match(l) is { Success: true } ln)
            {
                line = Numbers(ln.Groups[1].Value);
            }
        }

        if (categories.Count == 0 || (bars.Count == 0 && line.Count == 0))
        {
            return null;
        }

        var top = Math.Max(yMax ?? 0, bars.Concat(line).DefaultIfEmpty(0).Max());
        return new XyChart(title, categories, yLabel, top <= 0 ? 1 : top, bars, line);
    }

    private static IEnumerable<string> Items(string list) =>
        CsvItem().Matches(list).Select(m => m.Value.Trim()).Where(s => s.Length > 0);

    private static IReadOnlyList<double> Numbers(string list) =>
        Items(list).Select(s => double.TryParse(s, CultureInfo.InvariantCulture, out var v) ? v : 0).ToArray();

    private static string Unquote(string s) => s.Length >= 2 && s[0] == '"' && s[^1] == '"' ? s[1..^1] : s;

    [GeneratedRegex(@"\[(.*)\]", RegexOptions.CultureInvariant)]
    private static partial Regex Bracketed();

    [GeneratedRegex("\"[^\"]*\"|[^,]+", RegexOptions.CultureInvariant)]
    private static partial Regex CsvItem();

    [GeneratedRegex(@"^y-axis\s+(?<label>""[^""]*""|[^\d-][^-]*?)?\s*(?:(?<min>-?[\d.]+)\s*-->\s*(?<max>-?[\d.]+))?\s*$", RegexOptions.CultureInvariant)]
    private static partial Regex YAxis();
}
