using System.Text;

namespace ModelGate.GitHub.Comments;

/// <summary>
/// The hidden HTML comment that identifies the gate's PR comment, so a later run edits it instead of adding one.
/// It carries a label (the job and the adapters by default) as CML's watermark does (iterative/cml #1144, #1173),
/// so two jobs, or two entries of a matrix, each keep their own comment instead of overwriting one another's.
/// </summary>
public sealed class CommentMarker
{
    private const string Prefix = "<!-- modelgate:report label=\"";
    private const string Suffix = "\" -->";

    public CommentMarker(string label)
    {
        if (string.IsNullOrWhiteSpace(label))
        {
            throw new ArgumentException("a comment label must not be empty", nameof(label));
        }

        Label = label.Trim();
        Text = Prefix + Encode(Label) + Suffix;
    }

    public string Label { get; }

    /// <summary>The marker line itself, invisible when GitHub renders the comment.</summary>
    public string Text { get; }

    /// <summary>A label for a job gating some adapters: `job/adapter1+adapter2` from the adapters' folder names.</summary>
    public static string DefaultLabel(string? job, IEnumerable<string> adapters)
    {
        var names = adapters
            .Select(a => Path.GetFileName(Path.TrimEndingDirectorySeparator(a)))
            .Where(n => n.Length > 0)
            .ToList();
        var who = names.Count > 0 ? string.Join('+', names) : "report";
        return $"{job ?? "modelgate"}/{who}";
    }

    public bool IsIn(string? body) => body is not null && body.Contains(Text, StringComparison.Ordinal);

    // Inside an HTML comment "--" and ">" would end it early, and '"' would end our attribute; percent-encode them
    // (and '%' itself, so two labels never map to one marker) and keep everything else readable.
    private static string Encode(string label)
    {
        var text = new StringBuilder(label.Length);
        foreach (var c in label)
        {
            switch (c)
            {
                case '%': text.Append("%25"); break;
                case '-': text.Append("%2D"); break;
                case '>': text.Append("%3E"); break;
                case '<': text.Append("%3C"); break;
                case '"': text.Append("%22"); break;
                case '\r': text.Append("%0D"); break;
                case '\n': text.Append("%0A"); break;
                default: text.Append(c); break;
            }
        }

        return text.ToString();
    }
}
