using System.Text.RegularExpressions;
using ModelGate.Core.Errors;

namespace ModelGate.Core.Spectral;

/// <summary>What the analysis counts; validated once, before any work, with the option's name in the message.</summary>
public sealed record AnalysisSettings
{
    /// <summary>The paper's default: the top 10 tuned singular vectors.</summary>
    public int K { get; init; } = 10;

    /// <summary>The paper's default threshold on the max |cosine|.</summary>
    public double Epsilon { get; init; } = 0.5;

    /// <summary>A regular expression searched in base tensor names; only matching weights are analysed.</summary>
    public string? Modules { get; init; }

    public void Validate()
    {
        if (K < 1)
        {
            throw new UserInputException($"--k (MODELGATE_K) must be a positive integer, got {K}");
        }

        if (!(Epsilon > 0 && Epsilon < 1))
        {
            throw new UserInputException($"--epsilon (MODELGATE_EPSILON) must be between 0 and 1 (exclusive), got {Epsilon}");
        }

        _ = ModuleFilter();
    }

    public Regex? ModuleFilter()
    {
        if (string.IsNullOrEmpty(Modules))
        {
            return null;
        }

        try
        {
            return new Regex(Modules, RegexOptions.CultureInvariant, TimeSpan.FromSeconds(1));
        }
        catch (ArgumentException e)
        {
            throw new UserInputException($"--modules is not a valid regular expression: {e.Message}");
        }
    }
}
