namespace ModelGate.Core.Reporting;

/// <summary>The report outputs a front end asked for (<c>gate --json/--report/--html/--template/--github-comment</c>).</summary>
public sealed record GateOutputs
{
    /// <summary>The verdict JSON file (the next run's <c>--baseline</c>).</summary>
    public string? Json { get; init; }

    /// <summary>The Markdown report file.</summary>
    public string? Markdown { get; init; }

    /// <summary>The self-contained HTML report file.</summary>
    public string? Html { get; init; }

    /// <summary>The adapter's model card (README.md) to write the results into; created when missing.</summary>
    public string? ModelCard { get; init; }

    /// <summary>A Scriban template for the Markdown (and so the HTML) report; null: the built-in one.</summary>
    public string? Template { get; init; }

    /// <summary>Post the report as a pull-request comment (the GitHub integration's sinks act on it).</summary>
    public bool GitHubComment { get; init; }

    /// <summary>Names the PR comment among others on the pull request; null: the job id and the adapters' folder names.</summary>
    public string? GitHubCommentLabel { get; init; }
}
