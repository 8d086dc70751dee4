using ModelGate.Core.Errors;

namespace ModelGate.Core.Adapters;

/// <summary>
/// PEFT configs carry Python regular expressions. The syntax PEFT users write (groups, alternation, classes,
/// quantifiers) means the same in .NET; anchoring differs, so it is made explicit here.
/// </summary>
internal static class PythonRegex
{
    /// <summary><c>re.fullmatch(pattern, s)</c>.</summary>
    public static UserRegex FullMatch(string pattern, string source) =>
        new(pattern, source, "^(?:" + pattern + @")\z");

    /// <summary>
    /// <c>re.match(rf"(.*\.)?({key})$", s)</c>: how PEFT picks a <c>rank_pattern</c>/<c>alpha_pattern</c> key
    /// (<c>peft/utils/other.py: get_pattern_key</c>).
    /// </summary>
    public static UserRegex PatternKey(string key, string source) =>
        new(key, source, @"^(.*\.)?(" + key + @")\z");
}
