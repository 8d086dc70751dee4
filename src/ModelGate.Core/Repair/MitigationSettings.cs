using System.Globalization;
using ModelGate.Core.Errors;
using ModelGate.Core.Spectral;

namespace ModelGate.Core.Repair;

/// <summary>What <c>mitigate</c> scales, by how much, and where; validated before any file is opened.</summary>
public sealed record MitigationSettings
{
    /// <summary>Each intruder's singular value σ becomes λ·σ (0 removes the direction, 1 leaves it).</summary>
    public double Lambda { get; init; } = 0.5;

    /// <summary>Per-module λ: the first "REGEX=λ" whose regular expression is found in the module path wins.</summary>
    public IReadOnlyList<string> ModuleLambdas { get; init; } = [];

    /// <summary>Modules with fewer intruders than this are left as they are.</summary>
    public int MinIntruders { get; init; } = 1;

    /// <summary>The k, ε and module filter that decide what an intruder is (as <c>analyze</c>).</summary>
    public AnalysisSettings Analysis { get; init; } = new();

    public bool DryRun { get; init; }

    /// <summary>Replace a non-empty output folder, once the new adapter is complete.</summary>
    public bool Force { get; init; }

    public void Validate()
    {
        Analysis.Validate();
        CheckLambda(Lambda, "--lambda");
        if (MinIntruders < 1)
        {
            throw new UserInputException($"--min-intruders must be at least 1, got {MinIntruders}");
        }

        _ = ParsedModuleLambdas();
    }

    /// <summary>λ for one module path.</summary>
    public double LambdaFor(string modulePath) =>
        ParsedModuleLambdas().FirstOrDefault(p => p.Pattern.IsMatch(modulePath)) is { Pattern: not null } hit ? hit.Lambda : Lambda;

    private IReadOnlyList<(UserRegex Pattern, double Lambda)> ParsedModuleLambdas() => ModuleLambdas.Select(text =>
    {
        var split = text.LastIndexOf('=');
        if (split <= 0 || !double.TryParse(text[(split + 1)..], NumberStyles.Float, CultureInfo.InvariantCulture, out var lambda))
        {
            throw new UserInputException($"--module-lambda '{text}': expected REGEX=λ, e.g. 'self_attn\\.q_proj=0.25'");
        }

        CheckLambda(lambda, $"--module-lambda '{text}'");
        try
        {
            return (new UserRegex(text[..split], "--module-lambda"), lambda);
        }
        catch (ArgumentException e)
        {
            throw new UserInputException($"--module-lambda '{text}': not a valid regular expression ({e.Message})");
        }
    }).ToArray();

    private static void CheckLambda(double lambda, string option)
    {
        if (!(lambda >= 0 && lambda <= 1))
        {
            throw new UserInputException($"{option}: λ must be between 0 and 1, got {lambda.ToString(CultureInfo.InvariantCulture)}");
        }
    }
}
