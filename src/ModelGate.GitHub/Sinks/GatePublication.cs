using ModelGate.Core.Gating;

namespace ModelGate.GitHub.Sinks;

/// <summary>A gate result as GitHub shows it: the rendered report, the verdict words, one annotation per rule that did not pass.</summary>
internal static class GatePublication
{
    public static GitHubPublication From(GateResult result, string markdown, string? reportPath)
    {
        var verdict = result.Verdict;
        var annotations = verdict.Rules
            .Where(r => r.Status != RuleStatus.Pass)
            .Select(r => new RuleAnnotation(
                // An error is what blocks this release under fail-on; the rest are warnings (all of them under "never").
                GateVerdict.Blocks(r.Status, verdict.FailOn) ? AnnotationLevel.Error : AnnotationLevel.Warning,
                r.Code,
                r.Target is null ? r.Id : $"{r.Id} {r.Target}",
                r.Message))
            .ToList();
        return new GitHubPublication(markdown, GateWords.Of(verdict.Status), verdict.TotalIntruders, reportPath, annotations);
    }
}
