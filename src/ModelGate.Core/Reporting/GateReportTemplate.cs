using ModelGate.Core.Errors;
using ModelGate.Core.Gating;
using ModelGate.Core.IO;
using Scriban;
using Scriban.Parsing;
using Scriban.Syntax;

namespace ModelGate.Core.Reporting;

/// <summary>
/// The Markdown report's template: the built-in <c>templates/gate-report.md.scriban</c> (embedded), or a user's
/// Scriban template given with <c>--template</c>. A template that does not parse, or that reads a variable the model
/// does not have, is a user error naming the file, line and column.
/// </summary>
public sealed class GateReportTemplate
{
    public const string DefaultSource = "built-in gate-report.md.scriban";
    private const string DefaultResource = "ModelGate.Core.Reporting.gate-report.md.scriban";

    private readonly Template _template;

    private GateReportTemplate(Template template, string source)
    {
        _template = template;
        Source = source;
    }

    /// <summary>Where the template came from: its path, or <see cref="DefaultSource"/>.</summary>
    public string Source { get; }

    public static GateReportTemplate Default { get; } = Parse(DefaultText(), DefaultSource);

    /// <summary>The built-in template's text, for users who want to start their own from it.</summary>
    public static string DefaultText()
    {
        using var stream = typeof(GateReportTemplate).Assembly.GetManifestResourceStream(DefaultResource)
            ?? throw new InvalidOperationException($"embedded resource {DefaultResource} is missing from the build");
        using var reader = new StreamReader(stream);
        return reader.ReadToEnd();
    }

    public static GateReportTemplate Load(string path)
    {
        if (!File.Exists(path))
        {
            throw new UserInputException(InputField.Template, $"{path}: file not found");
        }

        return Parse(BoundedFile.ReadAllText(path, BoundedFile.ConfigLimit, "report template"), path);
    }

    public static GateReportTemplate Parse(string text, string source)
    {
        var template = Template.Parse(text, source);
        if (template.HasErrors)
        {
            var first = template.Messages.First(m => m.Type == ParserMessageType.Error);
            throw new UserInputException($"{source}: template error at line {first.Span.Start.Line + 1}, column {first.Span.Start.Column + 1}: {first.Message}");
        }

        return new GateReportTemplate(template, source);
    }

    public string Render(GateResult result)
    {
        var globals = GateReportModel.Build(result);
        var context = new TemplateContext
        {
            StrictVariables = true,
            MemberRenamer = member => member.Name,
            LoopLimit = 100_000,
            EnableRelaxedMemberAccess = true,
        };
        context.PushGlobal(globals);
        try
        {
            return _template.Render(context);
        }
        catch (ScriptRuntimeException e)
        {
            throw new UserInputException($"{Source}: template error at line {e.Span.Start.Line + 1}, column {e.Span.Start.Column + 1}: {e.OriginalMessage}");
        }
    }
}
