using System.Text;
using System.Text.Json;
using System.Text.RegularExpressions;
using ModelGate.Core.Errors;

namespace ModelGate.Forgetting.Tokenizers;

/// <summary>
/// tokenizer.json's <c>normalizer</c> and <c>pre_tokenizer</c> for the models Microsoft.ML.Tokenizers has no
/// reader for (SentencePiece-style BPE): the kinds Llama 2 / Mistral conversions use, and a few common ones.
/// Anything else is named in a one-line error rather than silently tokenised differently.
/// </summary>
internal static class TextPipeline
{
    public const string Metaspace = "▁";

    public static Func<string, string> Normalizer(JsonElement node, string path)
    {
        if (node.ValueKind is JsonValueKind.Null or JsonValueKind.Undefined)
        {
            return s => s;
        }

        var type = node.GetProperty("type").GetString();
        switch (type)
        {
            case "Sequence":
                var steps = node.GetProperty("normalizers").EnumerateArray().Select(n => Normalizer(n, path)).ToArray();
                return s => steps.Aggregate(s, (acc, f) => f(acc));
            case "Prepend":
                var prefix = node.GetProperty("prepend").GetString() ?? "";
                return s => s.Length == 0 ? s : prefix + s;
            case "Replace":
                var content = node.GetProperty("content").GetString() ?? "";
                var pattern = node.GetProperty("pattern");
                if (pattern.TryGetProperty("String", out var literal))
                {
                    var from = literal.GetString() ?? "";
                    return s => s.Replace(from, content, StringComparison.Ordinal);
                }

                var regex = new Regex(pattern.GetProperty("Regex").GetString() ?? "", RegexOptions.CultureInvariant);
                return s => regex.Replace(s, content);
            case "NFC":
                return s => s.Normalize(NormalizationForm.FormC);
            case "NFD":
                return s => s.Normalize(NormalizationForm.FormD);
            case "NFKC":
                return s => s.Normalize(NormalizationForm.FormKC);
            case "NFKD":
                return s => s.Normalize(NormalizationForm.FormKD);
            case "Lowercase":
                return s => s.ToLowerInvariant();
            case "Strip":
                var left = !node.TryGetProperty("strip_left", out var l) || l.GetBoolean();
                var right = !node.TryGetProperty("strip_right", out var r) || r.GetBoolean();
                return s => left && right ? s.Trim() : left ? s.TrimStart() : right ? s.TrimEnd() : s;
            default:
                throw new UserInputException($"{path}: normalizer type '{type}' is not supported with this BPE model (supported: Sequence, Prepend, Replace, NFC, NFD, NFKC, NFKD, Lowercase, Strip)");
        }
    }

    /// <summary>Splits one segment (text between added tokens); the function's second argument says whether the segment is the first, for Metaspace's prepend_scheme "first".</summary>
    public static Func<string, bool, IEnumerable<string>> PreTokenizer(JsonElement node, string path)
    {
        if (node.ValueKind is JsonValueKind.Null or JsonValueKind.Undefined)
        {
            return (s, _) => [s];
        }

        var type = node.GetProperty("type").GetString();
        switch (type)
        {
            case "Sequence":
                var steps = node.GetProperty("pretokenizers").EnumerateArray().Select(n => PreTokenizer(n, path)).ToArray();
                return (s, first) => steps.Aggregate((IEnumerable<string>)[s], (pieces, f) => pieces.SelectMany(p => f(p, first)).ToArray());
            case "Metaspace":
                var replacement = node.TryGetProperty("replacement", out var rep) ? rep.GetString() ?? Metaspace : Metaspace;
                var scheme = node.TryGetProperty("prepend_scheme", out var ps) ? ps.GetString() ?? "always"
                    : node.TryGetProperty("add_prefix_space", out var aps) && !aps.GetBoolean() ? "never" : "always";
                var split = !node.TryGetProperty("split", out var sp) || sp.GetBoolean();
                return (s, first) =>
                {
                    var text = s.Replace(" ", replacement, StringComparison.Ordinal);
                    if ((scheme == "always" || (scheme == "first" && first)) && !text.StartsWith(replacement, StringComparison.Ordinal))
                    {
                        text = replacement + text;
                    }

                    return split ? SplitBefore(text, replacement) : [text];
                };
            case "WhitespaceSplit":
                return (s, _) => s.Split((char[]?)null, StringSplitOptions.RemoveEmptyEntries);
            case "Whitespace":
                var words = new Regex(@"\w+|[^\w\s]+", RegexOptions.CultureInvariant);
                return (s, _) => words.Matches(s).Select(m => m.Value).ToArray();
            case "Digits":
                var individual = node.TryGetProperty("individual_digits", out var ind) && ind.GetBoolean();
                var digits = new Regex(individual ? @"\p{Nd}" : @"\p{Nd}+", RegexOptions.CultureInvariant);
                return (s, _) => Isolate(s, digits);
            case "Split":
                var pattern = node.GetProperty("pattern");
                var regex = pattern.TryGetProperty("String", out var lit)
                    ? new Regex(Regex.Escape(lit.GetString() ?? ""), RegexOptions.CultureInvariant)
                    : new Regex(pattern.GetProperty("Regex").GetString() ?? "", RegexOptions.CultureInvariant);
                var behavior = node.TryGetProperty("behavior", out var b) ? b.GetString() : "Isolated";
                return behavior switch
                {
                    "Isolated" => (s, _) => Isolate(s, regex),
                    "Removed" => (s, _) => Isolate(s, regex).Where(p => !regex.IsMatch(p) || regex.Match(p).Length != p.Length).ToArray(),
                    _ => throw new UserInputException($"{path}: Split pre-tokenizer behavior '{behavior}' is not supported (Isolated, Removed)"),
                };
            default:
                throw new UserInputException($"{path}: pre_tokenizer type '{type}' is not supported with this BPE model (supported: Metaspace, Split, Digits, Whitespace, WhitespaceSplit, Sequence)");
        }
    }

    /// <summary>Matches and the text between them, in order (tokenizers' "Isolated" split behaviour).</summary>
    public static IEnumerable<string> Isolate(string s, Regex regex)
    {
        var pieces = new List<string>();
        var at = 0;
        foreach (Match m in regex.Matches(s))
        {
            if (m.Length == 0)
            {
                continue;
            }

            if (m.Index > at)
            {
                pieces.Add(s[at..m.Index]);
            }

            pieces.Add(m.Value);
            at = m.Index + m.Length;
        }

        if (at < s.Length)
        {
            pieces.Add(s[at..]);
        }

        return pieces;
    }

    /// <summary>Metaspace's split: every piece starts at a replacement character (merged with the next).</summary>
    private static IEnumerable<string> SplitBefore(string text, string marker)
    {
        var pieces = new List<string>();
        if (text.Length == 0)
        {
            return pieces;
        }

        var start = 0;
        for (var i = text.IndexOf(marker, 1, StringComparison.Ordinal); i > 0; i = text.IndexOf(marker, i + marker.Length, StringComparison.Ordinal))
        {
            pieces.Add(text[start..i]);
            start = i;
        }

        if (start < text.Length)
        {
            pieces.Add(text[start..]);
        }

        return pieces;
    }
}
