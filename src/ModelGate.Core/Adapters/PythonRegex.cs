using System.Text.RegularExpressions;

namespace ModelGate.Core.Adapters;

/// <summary>
/// PEFT configs carry Python regular expressions. The syntax PEFT users write (groups, alternation, classes,
/// quantifiers) means the same in .NET; anchoring differs, so it is made explicit here.
/// </summary>
internal static class PythonRegex
{
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(1);

    /// <summary><c>re.fullmatch(pattern, s)</c>.</summary>
    public static Regex FullMatch(string pattern) =>
        new("^(?:" + pattern + @")\z", RegexOptions.CultureInvariant, Timeout);

    /// <summary>
    /// <c>re.match(rf"(.*\.)?({key})$", s)</c>: how PEFT picks a <c>rank_pattern</c>/<c>alpha_pattern</c> key
    /// (<c>peft/utils/other.py: get_pattern_key</c>).
    /// </summary>
    public static Regex PatternKey(string key) =>
        new(@"^(.*\.)?(" + key + @")\z", RegexOptions.CultureInvariant, Timeout);
}
