using ModelGate.Core.Gating;
using ModelGate.Core.Reporting.ModelCards;

namespace ModelGate.Core.Reporting;

/// <summary>The file sinks: verdict JSON, Markdown report, HTML report, model card.</summary>
public sealed class FileReportSinkProvider : IReportSinkProvider
{
    public IEnumerable<IReportSink> Create(GateOutputs outputs)
    {
        var sinks = new List<IReportSink>();
        var template = outputs.Template is null ? null : GateReportTemplate.Load(outputs.Template);
        if (outputs.Json is { } json)
        {
            sinks.Add(new JsonVerdictSink(json));
        }

        if (outputs.Markdown is { } markdown)
        {
            sinks.Add(new MarkdownReportSink(markdown, template ?? GateReportTemplate.Default));
        }

        if (outputs.Html is { } html)
        {
            sinks.Add(new HtmlReportSink(html, template ?? GateReportTemplate.Default));
        }

        if (outputs.ModelCard is { } modelCard)
        {
            sinks.Add(new ModelCardSink(modelCard));
        }

        return sinks;
    }
}
