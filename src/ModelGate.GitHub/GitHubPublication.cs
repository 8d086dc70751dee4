namespace ModelGate.GitHub;

/// <summary>
/// What one gate run hands to GitHub, whichever front end ran it: the Markdown report, the verdict, the intruder
/// total, where the full report file is, and one annotation per rule that warned or failed.
/// </summary>
public sealed record GitHubPublication
{
    public GitHubPublication(string markdown, string verdict, int totalIntruders, string? reportPath, IReadOnlyList<RuleAnnotation> annotations)
    {
        if (verdict is not ("pass" or "warn" or "fail"))
        {
            throw new ArgumentException($"verdict must be pass, warn or fail, got '{verdict}'", nameof(verdict));
        }

        Markdown = markdown;
        Verdict = verdict;
        TotalIntruders = totalIntruders;
        ReportPath = reportPath;
        Annotations = annotations;
    }

    public string Markdown { get; }

    /// <summary>pass, warn or fail, as in the verdict JSON.</summary>
    public string Verdict { get; }

    public int TotalIntruders { get; }

    /// <summary>The Markdown report file the gate wrote (the full report when the comment or summary is cut), if any.</summary>
    public string? ReportPath { get; }

    public IReadOnlyList<RuleAnnotation> Annotations { get; }
}
