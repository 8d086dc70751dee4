using System.Text.RegularExpressions;

namespace ModelGate.Forgetting.Metrics.Tasks;

/// <summary>
/// <c>wikitext</c>: lm_eval/tasks/wikitext/wikitext.yaml (<c>output_type: loglikelihood_rolling</c>) with
/// lm_eval/tasks/wikitext/preprocess_wikitext.py: each row's <c>page</c> is detokenized
/// (<c>wikitext_detokenizer</c>) and scored whole; its words and bytes are counted on the page as stored
/// (<c>process_results</c>: "counts number of words in *original doc before detokenization*").
/// </summary>
public sealed partial class Wikitext : LmEvalTask
{
    /// <summary>The name lm-eval gives the task, which also picks its rolling-window scoring.</summary>
    public const string TaskName = "wikitext";

    public override string Name => TaskName;

    public override HubDataset Dataset { get; } = new("EleutherAI/wikitext_document_level", "wikitext-2-raw-v1", "test");

    /// <summary>The text scored, and the text its words and bytes are counted on.</summary>
    public static (string Scored, string Counted) Document(DatasetRow row)
    {
        ArgumentNullException.ThrowIfNull(row);
        var page = row.Text("page");
        return (Detokenize(page), page);
    }

    /// <summary><c>wikitext_detokenizer</c>, step for step.</summary>
    internal static string Detokenize(string text)
    {
        var s = text.Replace("s '", "s'", StringComparison.Ordinal);
        s = SlashQuoteDigit().Replace(s, "/'[0-9]/");
        s = s.Replace(" @-@ ", "-", StringComparison.Ordinal).Replace(" @,@ ", ",", StringComparison.Ordinal).Replace(" @.@ ", ".", StringComparison.Ordinal);
        foreach (var mark in new[] { " : ", " ; ", " . ", " ! ", " ? ", " , " })
        {
            s = s.Replace(mark, mark.TrimStart(), StringComparison.Ordinal);
        }

        s = Parentheses().Replace(s, "($1)");
        s = Brackets().Replace(s, "[$1]");
        s = Braces().Replace(s, "{$1}");
        s = DoubleQuotes().Replace(s, "\"$1\"");
        s = SingleQuotes().Replace(s, "'$1'");
        s = s.Replace("= = = =", "====", StringComparison.Ordinal).Replace("= = =", "===", StringComparison.Ordinal).Replace("= =", "==", StringComparison.Ordinal);
        s = s.Replace(" ° ", "°", StringComparison.Ordinal);
        s = s.Replace(" \n", "\n", StringComparison.Ordinal).Replace("\n ", "\n", StringComparison.Ordinal);
        s = s.Replace(" N ", " 1 ", StringComparison.Ordinal).Replace(" 's", "'s", StringComparison.Ordinal);
        return s;
    }

    // Python's re: `.` and [^x] as in .NET; \s is Unicode white space in both.
    [GeneratedRegex(@"/' [0-9]/")]
    private static partial Regex SlashQuoteDigit();

    [GeneratedRegex(@"\(\s*([^\)]*?)\s*\)")]
    private static partial Regex Parentheses();

    [GeneratedRegex(@"\[\s*([^\]]*?)\s*\]")]
    private static partial Regex Brackets();

    [GeneratedRegex(@"{\s*([^}]*?)\s*}")]
    private static partial Regex Braces();

    [GeneratedRegex("\"\\s*([^\"]*?)\\s*\"")]
    private static partial Regex DoubleQuotes();

    [GeneratedRegex(@"'\s*([^']*?)\s*'")]
    private static partial Regex SingleQuotes();
}
