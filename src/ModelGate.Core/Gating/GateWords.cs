using ModelGate.Core.Errors;

namespace ModelGate.Core.Gating;

/// <summary>The lower-case words the policy file, the verdict JSON and the command line use for statuses and levels.</summary>
public static class GateWords
{
    public static IReadOnlyList<string> FailOnChoices { get; } = ["fail", "warn", "never"];

    public static IReadOnlyList<string> ForgettingWhenChoices { get; } = ["always", "intrudersAbove"];

    public static string Of(RuleStatus status) => status switch
    {
        RuleStatus.Pass => "pass",
        RuleStatus.Warn => "warn",
        _ => "fail",
    };

    public static string Of(FailOn failOn) => failOn switch
    {
        FailOn.Fail => "fail",
        FailOn.Warn => "warn",
        _ => "never",
    };

    public static string Of(ForgettingWhen when) => when == ForgettingWhen.IntrudersAbove ? "intrudersAbove" : "always";

    /// <summary>The policy's <c>forgetting.when</c> word, spelt exactly.</summary>
    public static bool TryParseForgettingWhen(string? word, out ForgettingWhen when)
    {
        (var ok, when) = word switch
        {
            "always" => (true, ForgettingWhen.Always),
            "intrudersAbove" => (true, ForgettingWhen.IntrudersAbove),
            _ => (false, ForgettingWhen.Always),
        };
        return ok;
    }

    public static bool TryParseStatus(string? word, out RuleStatus status)
    {
        (var ok, status) = word switch
        {
            "pass" => (true, RuleStatus.Pass),
            "warn" => (true, RuleStatus.Warn),
            "fail" => (true, RuleStatus.Fail),
            _ => (false, RuleStatus.Pass),
        };
        return ok;
    }

    public static bool TryParseFailOn(string? word, out FailOn failOn)
    {
        (var ok, failOn) = word?.Trim().ToLowerInvariant() switch
        {
            "fail" => (true, FailOn.Fail),
            "warn" => (true, FailOn.Warn),
            "never" => (true, FailOn.Never),
            _ => (false, FailOn.Fail),
        };
        return ok;
    }

    /// <summary>Parses a fail-on level given on the command line or in the environment, naming where it came from when wrong.</summary>
    public static FailOn ParseFailOn(string word, string where) =>
        TryParseFailOn(word, out var failOn)
            ? failOn
            : throw new UserInputException($"{where} must be one of {string.Join(", ", FailOnChoices)}, got '{word}'");
}
