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
        CheckLambda(Lambda, InputField.Lambda, null);
        if (MinIntruders < 1)
        {
            throw new UserInputException(InputField.MinIntruders, $"must be at least 1, got {MinIntruders}");
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
            throw new UserInputException(InputField.ModuleLambda, $"'{text}': expected REGEX=λ, e.g. 'self_attn\\.q_proj=0.25'");
        }

        CheckLambda(lambda, InputField.ModuleLambda, text);
        try
        {
            return (new UserRegex(text[..split], InputField.ModuleLambda.Words), lambda);
        }
        catch (ArgumentException e)
        {
            throw new UserInputException(InputField.ModuleLambda, $"'{text}': not a valid regular expression ({e.Message})");
        }
    }).ToArray();

    private static void CheckLambda(double lambda, InputField field, string? given)
    {
        if (!(lambda >= 0 && lambda <= 1))
        {
            var range = $"must be between 0 and 1, got {lambda.ToString(CultureInfo.InvariantCulture)}";
            throw new UserInputException(field, given is null ? range : $"'{given}': λ {range}");
        }
    }
}
