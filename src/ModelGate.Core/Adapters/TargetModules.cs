using ModelGate.Core.Errors;

namespace ModelGate.Core.Adapters;

/// <summary>
/// PEFT's <c>target_modules</c> / <c>exclude_modules</c>: either a list of names (a module matches when its
/// path equals a name or ends with "." + name) or one regular expression that must match the whole path
/// (PEFT uses <c>re.fullmatch</c>, <c>peft/tuners/tuners_utils.py: check_target_module_exists</c>).
/// </summary>
public sealed class TargetModules
{
    private readonly UserRegex? _regex;

    private TargetModules(IReadOnlyList<string> names, UserRegex? regex)
    {
        Names = names;
        _regex = regex;
    }

    /// <summary>The listed names, when the config gives a list.</summary>
    public IReadOnlyList<string> Names { get; }

    /// <summary>The regular expression, when the config gives a string.</summary>
    public string? Pattern => _regex?.Pattern;

    public static TargetModules FromList(IEnumerable<string> names) => new(names.ToArray(), null);

    /// <param name="pattern">The config's string, a Python regular expression that must match a whole module path.</param>
    /// <param name="source">Where the pattern was written (file and field), for the error when matching it runs out of time.</param>
    /// <exception cref="ArgumentException">Not a valid regular expression.</exception>
    public static TargetModules FromPattern(string pattern, string source) => new([], PythonRegex.FullMatch(pattern, source));

    public bool Matches(string modulePath) =>
        _regex is not null
            ? _regex.IsMatch(modulePath)
            : Names.Any(n => modulePath == n || modulePath.EndsWith("." + n, StringComparison.Ordinal));

    /// <summary>
    /// The <paramref name="count"/> names closest (by edit distance) to what was written, for when nothing matches: the
    /// last part of each module path when the config lists names (PEFT matches them as suffixes), whole paths for a pattern.
    /// </summary>
    public IReadOnlyList<string> Nearest(IEnumerable<string> modulePaths, int count)
    {
        IReadOnlyList<string> written = _regex is not null ? [_regex.Pattern] : Names;
        return NearestNames.Of(written, modulePaths.Select(p => _regex is not null ? p : p[(p.LastIndexOf('.') + 1)..]), count);
    }

    public override string ToString() => Pattern ?? "[" + string.Join(", ", Names) + "]";
}
