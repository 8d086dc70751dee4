using System.Text.RegularExpressions;

namespace ModelGate.Core.Adapters;

/// <summary>
/// PEFT's <c>target_modules</c> / <c>exclude_modules</c>: either a list of names (a module matches when its
/// path equals a name or ends with "." + name) or one regular expression that must match the whole path
/// (PEFT uses <c>re.fullmatch</c>, <c>peft/tuners/tuners_utils.py: check_target_module_exists</c>).
/// </summary>
public sealed class TargetModules
{
    private readonly Regex? _regex;

    private TargetModules(IReadOnlyList<string> names, string? pattern)
    {
        Names = names;
        Pattern = pattern;
        _regex = pattern is null ? null : PythonRegex.FullMatch(pattern);
    }

    /// <summary>The listed names, when the config gives a list.</summary>
    public IReadOnlyList<string> Names { get; }

    /// <summary>The regular expression, when the config gives a string.</summary>
    public string? Pattern { get; }

    public static TargetModules FromList(IEnumerable<string> names) => new(names.ToArray(), null);

    public static TargetModules FromPattern(string pattern) => new([], pattern);

    public bool Matches(string modulePath) =>
        _regex is not null
            ? _regex.IsMatch(modulePath)
            : Names.Any(n => modulePath == n || modulePath.EndsWith("." + n, StringComparison.Ordinal));

    public override string ToString() => Pattern ?? "[" + string.Join(", ", Names) + "]";
}
