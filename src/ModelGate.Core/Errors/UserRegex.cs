using System.Text.RegularExpressions;

namespace ModelGate.Core.Errors;

/// <summary>
/// A regular expression the user wrote (a PEFT config field, a policy's match, an option), matched with a 1 s budget.
/// Running out of it means the pattern backtracks catastrophically on some name, e.g. <c>(a+)+$</c>: the pattern's
/// fault, so it is a <see cref="UserInputException"/> naming where the pattern was written, not an internal error.
/// </summary>
public sealed class UserRegex
{
    private static readonly TimeSpan MatchTimeout = TimeSpan.FromSeconds(1);

    private readonly Regex regex;

    /// <param name="pattern">What the user wrote, as messages quote it.</param>
    /// <param name="source">Where it was written, e.g. <c>/x/adapter_config.json: target_modules</c>; messages go on with the pattern.</param>
    /// <param name="expression">What is compiled, when it wraps <paramref name="pattern"/> (anchors, glob translation).</param>
    /// <exception cref="ArgumentException">The expression is not a valid .NET regular expression.</exception>
    public UserRegex(string pattern, string source, string? expression = null)
    {
        Pattern = pattern;
        Source = source;
        regex = new Regex(expression ?? pattern, RegexOptions.CultureInvariant, MatchTimeout);
    }

    public string Pattern { get; }

    public string Source { get; }

    public bool IsMatch(string input)
    {
        try
        {
            return regex.IsMatch(input);
        }
        catch (RegexMatchTimeoutException)
        {
            throw new UserInputException(
                $"{Source} {MessageText.Quote(Pattern)} took over {MatchTimeout.TotalSeconds:0} s to match {MessageText.Quote(input)}: the regular expression backtracks catastrophically (nested quantifiers such as (a+)+); simplify it");
        }
    }

    public override string ToString() => Pattern;
}
