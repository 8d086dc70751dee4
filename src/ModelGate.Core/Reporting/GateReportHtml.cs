using System.Net;
using System.Text;
using Markdig;
using Markdig.Helpers;
using Markdig.Renderers;
using Markdig.Syntax;
using ModelGate.Core.Gating;

namespace ModelGate.Core.Reporting;

/// <summary>
/// The HTML report: the Markdown report rendered with Markdig (pipe tables, <c>&lt;details&gt;</c>), each Mermaid
/// <c>xychart-beta</c> block drawn as an inline SVG chart (no JavaScript, so Mermaid itself cannot run), and the
/// status icons drawn with CSS rather than emoji fonts. One file, nothing fetched from outside.
/// </summary>
public static class GateReportHtml
{
    private static readonly MarkdownPipeline Pipeline = new MarkdownPipelineBuilder().UseAdvancedExtensions().Build();

    public static string Render(GateResult result, string markdown)
    {
        var document = Markdown.Parse(markdown, Pipeline);
        foreach (var code in document.Descendants<FencedCodeBlock>().Where(b => b.Info == "mermaid").ToArray())
        {
            // Another kind of diagram than an xychart stays a readable code block.
            if (XyChart.TryParse(code.Lines.ToString()) is { } chart && code.Parent is { } parent)
            {
                var figure = new HtmlBlock(null) { Type = HtmlBlockType.NonInterruptingBlock, Lines = new StringLineGroup(1) };
                figure.Lines.Add(new StringSlice($"<figure class=\"chart\">{SvgChart.Render(chart)}</figure>"));
                parent[parent.IndexOf(code)] = figure;
            }
        }

        var writer = new StringWriter();
        var renderer = new HtmlRenderer(writer);
        Pipeline.Setup(renderer);
        renderer.Render(document);
        var body = Icons(writer.ToString());

        var verdict = result.Verdict;
        var status = GateWords.Of(verdict.Status);
        var title = $"Intruder gate: {status.ToUpperInvariant()}";
        var html = new StringBuilder();
        html.Append("<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n");
        html.Append("<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n");
        html.Append("<title>").Append(WebUtility.HtmlEncode(title)).Append(" — ").Append(WebUtility.HtmlEncode(string.Join(", ", result.Run.Adapters.Select(a => Path.GetFileName(Path.TrimEndingDirectorySeparator(a.Display)))))).Append("</title>\n");
        html.Append("<style>\n").Append(Css).Append("</style>\n</head>\n<body>\n");
        html.Append("<header id=\"verdict\" class=\"banner ").Append(status).Append("\" data-verdict=\"").Append(status).Append("\">");
        html.Append("<span class=\"badge\">").Append(status.ToUpperInvariant()).Append("</span> ");
        html.Append("<span class=\"decision\">").Append(verdict.Allowed ? "Release allowed" : "Release blocked").Append("</span>");
        html.Append("<span class=\"meta\">").Append(WebUtility.HtmlEncode(result.Run.Tool)).Append(" · exit code ").Append(verdict.ExitCode).Append(" · fail on ").Append(GateWords.Of(verdict.FailOn)).Append("</span>");
        html.Append("</header>\n<main>\n").Append(body).Append("</main>\n</body>\n</html>\n");
        return html.ToString();
    }

    /// <summary>Emoji need a colour font the reader's machine may lack (headless CI browsers do): draw them with CSS.</summary>
    private static string Icons(string html) => html
        .Replace("✅", "<span class=\"icon pass\" title=\"pass\">✓</span>", StringComparison.Ordinal)
        .Replace("⚠️", "<span class=\"icon warn\" title=\"warn\">!</span>", StringComparison.Ordinal)
        .Replace("❌", "<span class=\"icon fail\" title=\"fail\">✗</span>", StringComparison.Ordinal)
        .Replace("🟩", "<span class=\"heat h0\"></span>", StringComparison.Ordinal)
        .Replace("🟨", "<span class=\"heat h1\"></span>", StringComparison.Ordinal)
        .Replace("🟧", "<span class=\"heat h2\"></span>", StringComparison.Ordinal)
        .Replace("🟥", "<span class=\"heat h3\"></span>", StringComparison.Ordinal);

    private const string Css = """
        :root { color-scheme: light; --fg: #1f2328; --muted: #59636e; --border: #d1d9e0; --pass: #1a7f37; --warn: #9a6700; --fail: #cf222e; --bar: #0969da; }
        * { box-sizing: border-box; }
        body { margin: 0; font: 15px/1.5 system-ui, -apple-system, "Segoe UI", "Noto Sans", "DejaVu Sans", Helvetica, Arial, sans-serif; color: var(--fg); background: #fff; }
        main { max-width: 1040px; margin: 0 auto; padding: 8px 24px 48px; }
        .banner { display: flex; flex-wrap: wrap; align-items: baseline; gap: 12px; padding: 18px 24px; color: #fff; font-size: 22px; font-weight: 600; }
        .banner.pass { background: var(--pass); } .banner.warn { background: var(--warn); } .banner.fail { background: var(--fail); }
        .banner .badge { padding: 2px 12px; border: 2px solid #fff; border-radius: 6px; letter-spacing: .06em; }
        .banner .meta { margin-left: auto; font-size: 13px; font-weight: 400; opacity: .9; }
        h1, h2, h3 { line-height: 1.25; margin: 28px 0 12px; } h2 { padding-bottom: 6px; border-bottom: 1px solid var(--border); }
        table { border-collapse: collapse; margin: 12px 0; display: block; overflow-x: auto; max-width: 100%; }
        th, td { border: 1px solid var(--border); padding: 5px 10px; vertical-align: top; }
        th { background: #f6f8fa; font-weight: 600; } tr:nth-child(2n) td { background: #fbfcfd; }
        code, pre { font-family: ui-monospace, "DejaVu Sans Mono", "Liberation Mono", Menlo, Consolas, monospace; font-size: 13px; }
        code { background: #eff1f3; padding: 1px 5px; border-radius: 4px; }
        pre { background: #f6f8fa; padding: 12px 16px; border-radius: 6px; overflow-x: auto; line-height: 1.35; } pre code { background: none; padding: 0; }
        blockquote { margin: 12px 0; padding: 4px 16px; color: var(--muted); border-left: 4px solid var(--border); }
        details { margin: 12px 0; padding: 6px 12px; border: 1px solid var(--border); border-radius: 6px; } summary { cursor: pointer; font-weight: 600; }
        .icon { display: inline-block; width: 1.3em; height: 1.3em; line-height: 1.3em; border-radius: 50%; color: #fff; text-align: center; font-size: 12px; font-weight: 700; vertical-align: middle; }
        .icon.pass { background: var(--pass); } .icon.warn { background: #d4a72c; } .icon.fail { background: var(--fail); }
        .heat { display: inline-block; width: .9em; height: .9em; border-radius: 2px; vertical-align: -1px; }
        .heat.h0 { background: #2da44e; } .heat.h1 { background: #e3b341; } .heat.h2 { background: #f0883e; } .heat.h3 { background: #d1242f; }
        figure.chart { margin: 16px 0; } svg.chart { max-width: 100%; height: auto; font-family: inherit; }
        svg .chart-title { font-size: 15px; font-weight: 600; fill: var(--fg); } svg .tick { font-size: 11px; fill: var(--muted); } svg .axis-label { font-size: 12px; fill: var(--muted); }
        svg .value { font-size: 11px; fill: var(--fg); } svg .grid { stroke: #eaeef2; } svg .axis { stroke: var(--muted); }
        svg .bar { fill: var(--bar); } svg .line { fill: none; stroke: var(--fail); stroke-width: 2; } svg .point { fill: var(--fail); }
        """;
}
