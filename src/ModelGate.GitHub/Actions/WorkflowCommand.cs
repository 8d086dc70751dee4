using System.Text;

namespace ModelGate.GitHub.Actions;

/// <summary>
/// Workflow commands the runner reads from a step's output (`::error title=…::message`), escaped as
/// @actions/core escapes them (command.ts): in the message % \r \n become %25 %0D %0A; in property values
/// also : and , become %3A and %2C. Without it a message with a newline ends the annotation early and a title
/// with a comma or colon cuts the property list.
/// </summary>
public static class WorkflowCommand
{
    public static string EscapeData(string value) =>
        value.Replace("%", "%25", StringComparison.Ordinal)
            .Replace("\r", "%0D", StringComparison.Ordinal)
            .Replace("\n", "%0A", StringComparison.Ordinal);

    public static string EscapeProperty(string value) =>
        EscapeData(value)
            .Replace(":", "%3A", StringComparison.Ordinal)
            .Replace(",", "%2C", StringComparison.Ordinal);

    /// <summary>`::error title=…::message` (or warning, notice); properties with empty values are left out.</summary>
    public static string Annotation(AnnotationLevel level, string message, IEnumerable<KeyValuePair<string, string?>>? properties = null)
    {
        var name = level switch
        {
            AnnotationLevel.Error => "error",
            AnnotationLevel.Warning => "warning",
            _ => "notice",
        };
        var line = new StringBuilder("::").Append(name);
        var first = true;
        foreach (var (key, value) in properties ?? [])
        {
            if (string.IsNullOrEmpty(value))
            {
                continue;
            }

            line.Append(first ? ' ' : ',').Append(key).Append('=').Append(EscapeProperty(value));
            first = false;
        }

        return line.Append("::").Append(EscapeData(message)).ToString();
    }

    /// <summary>An annotation with a title, the form the gate uses for rules and for its own warnings.</summary>
    public static string Annotation(AnnotationLevel level, string title, string message) =>
        Annotation(level, message, [new("title", title)]);
}
