using Microsoft.Build.Framework;
using Microsoft.Build.Utilities;
using ModelGate.MSBuild.Verdicts;

namespace ModelGate.MSBuild;

/// <summary>
/// Turns a verdict into MSBuild diagnostics: a rule that blocks the release under the verdict's failOn is an error,
/// one that only warns (or would fail under failOn never) is a warning, a passing rule is a message. Each carries the
/// rule's code (MG0001 ...) and the adapter's file, so IDEs list it against the adapter.
/// </summary>
internal sealed class VerdictReporter(TaskLoggingHelper log)
{
    /// <param name="verdict">What the gate decided.</param>
    /// <param name="file">The file diagnostics point at: the adapter's adapter_config.json, else its folder.</param>
    /// <param name="adapterName">The adapter as the project names it, for the summary line.</param>
    public void Report(GateVerdict verdict, string file, string adapterName)
    {
        foreach (var rule in verdict.Rules)
        {
            var message = rule.Message.Length > 0 ? rule.Message : $"{rule.Id}: {rule.Status}";
            switch (SeverityOf(rule.Status, verdict.FailOn))
            {
                case DiagnosticSeverity.Error:
                    log.LogError(DiagnosticCodes.Subcategory, rule.Code, rule.Id, file, 0, 0, 0, 0, "{0}", message);
                    break;
                case DiagnosticSeverity.Warning:
                    log.LogWarning(DiagnosticCodes.Subcategory, rule.Code, rule.Id, file, 0, 0, 0, 0, "{0}", message);
                    break;
                default:
                    log.LogMessage(MessageImportance.Normal, "{0} {1} ({2}): {3}", rule.Code, rule.Id, rule.Status, message);
                    break;
            }
        }

        var failed = verdict.Rules.Count(r => r.Status == "fail");
        var warned = verdict.Rules.Count(r => r.Status == "warn");
        log.LogMessage(
            MessageImportance.High,
            "intruder-gate: {0}: {1} ({2} intruder dimensions; {3} rules failed, {4} warned; fail on {5})",
            adapterName, verdict.Verdict, verdict.TotalIntruders, failed, warned, verdict.FailOn);
    }

    /// <summary>The contract's blocking rule: failOn fail blocks on fail, warn on warn and fail, never on nothing.</summary>
    internal static DiagnosticSeverity SeverityOf(string status, string failOn) => (status, failOn) switch
    {
        ("fail", "fail" or "warn") => DiagnosticSeverity.Error,
        ("warn", "warn") => DiagnosticSeverity.Error,
        ("fail" or "warn", _) => DiagnosticSeverity.Warning,
        _ => DiagnosticSeverity.Message,
    };
}
