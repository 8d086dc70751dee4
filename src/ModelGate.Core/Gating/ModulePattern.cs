using System.Text;
using System.Text.RegularExpressions;
using ModelGate.Core.Errors;

namespace ModelGate.Core.Gating;

/// <summary>
/// A policy's <c>match</c>: a glob by default (<c>*</c> any run of characters, dots included; <c>?</c> one character),
/// matched against the whole weight name with or without its <c>.weight</c> suffix, so <c>*.q_proj</c> matches
/// <c>model.layers.0.self_attn.q_proj.weight</c>; with a <c>regex:</c> prefix, a .NET regular expression searched in
/// the weight name (as <c>--modules</c> is).
/// </summary>
public sealed class ModulePattern
{
    public const string RegexPrefix = "regex:";

    private readonly UserRegex _regex;
    private readonly bool _isGlob;

    private ModulePattern(string text, UserRegex regex, bool isGlob)
    {
        Text = text;
        _regex = regex;
        _isGlob = isGlob;
    }

    public string Text { get; }

    /// <summary>Compiles <paramref name="text"/>; throws <see cref="ArgumentException"/> with the reason when the regex is invalid.</summary>
    /// <param name="text">A glob, or a .NET regular expression after the <c>regex:</c> prefix.</param>
    /// <param name="source">Where it was written (policy file and field), for the error when matching it runs out of time.</param>
    public static ModulePattern Parse(string text, string source = "match")
    {
        if (text.StartsWith(RegexPrefix, StringComparison.Ordinal))
        {
            return new ModulePattern(text, new UserRegex(text[RegexPrefix.Length..], source), isGlob: false);
        }

        var pattern = new StringBuilder("^");
        foreach (var c in text)
        {
            pattern.Append(c switch
            {
                '*' => ".*",
                '?' => ".",
                _ => Regex.Escape(c.ToString()),
            });
        }

        pattern.Append('$');
        return new ModulePattern(text, new UserRegex(text, source, pattern.ToString()), isGlob: true);
    }

    public bool Matches(string weightName)
    {
        if (_regex.IsMatch(weightName))
        {
            return true;
        }

        const string suffix = ".weight";
        return _isGlob && weightName.EndsWith(suffix, StringComparison.Ordinal) && _regex.IsMatch(weightName[..^suffix.Length]);
    }

    public override string ToString() => Text;
}
