using System.Globalization;
using ModelGate.Core;
using ModelGate.GitHub.Actions;
using ModelGate.GitHub.Comments;
using ModelGate.GitHub.Markdown;
using Octokit;

namespace ModelGate.GitHub.Publishing;

/// <summary>
/// Publishes a gate run to GitHub: the job summary, one annotation per failing or warning rule, the step outputs,
/// and the PR comment kept up to date in place. Everything here is best effort: GitHub refusing a comment (a fork's
/// read-only token, rate limits past the retry budget, an outage) becomes a ::warning and the report stays in the
/// summary; the gate's exit code is the verdict's alone. Lines go to <c>log</c>, the step's stdout, where the
/// runner reads workflow commands; none of them holds the token.
/// </summary>
public sealed class GitHubPublisher
{
    private const string Tag = "modelgate";
    private readonly ActionsEnvironment _environment;
    private readonly GitHubPublishOptions _options;
    private readonly TextWriter _log;
    private readonly SecretRedactor _redactor;
    private readonly Func<Uri, string, TimeSpan, IGitHubClient> _clientFactory;
    private readonly List<string> _warnings = [];
    private PublishResult _result = new();

    public GitHubPublisher(ActionsEnvironment environment, GitHubPublishOptions options, TextWriter log)
        : this(environment, options, log, GitHubClientFactory.Create)
    {
    }

    internal GitHubPublisher(ActionsEnvironment environment, GitHubPublishOptions options, TextWriter log, Func<Uri, string, TimeSpan, IGitHubClient> clientFactory)
    {
        _environment = environment;
        _options = options;
        _log = log;
        _redactor = new SecretRedactor(environment.Token);
        _clientFactory = clientFactory;
    }

    /// <summary>What has reached GitHub so far (the sinks of one run share one publisher).</summary>
    public PublishResult Result => _result with { Warnings = _warnings.ToList() };

    /// <summary>Everything the options ask for: the step files first, so a refused comment can point to the summary.</summary>
    public async Task<PublishResult> PublishAsync(GitHubPublication publication, CancellationToken cancellationToken)
    {
        if (_options.StepFiles)
        {
            await WriteStepFilesAsync(publication, cancellationToken).ConfigureAwait(false);
        }

        if (_options.Comment)
        {
            await CommentAsync(publication, cancellationToken).ConfigureAwait(false);
        }

        return Result;
    }

    /// <summary>The job summary, one annotation per failing or warning rule, and the outputs verdict, intruders, report.</summary>
    public async Task WriteStepFilesAsync(GitHubPublication publication, CancellationToken cancellationToken)
    {
        if (_environment.StepSummaryPath is { } summaryPath)
        {
            var notice = $"> **The report is cut here** to fit GitHub's 1 MiB job summary limit; the full report is {WhereIsTheFile(publication)}.";
            try
            {
                var summary = await StepSummary.AppendAsync(summaryPath, publication.Markdown, notice, cancellationToken).ConfigureAwait(false);
                _result = _result with { SummaryWritten = summary.BytesWritten > 0, SummaryTruncated = summary.Truncated };
                if (summary.BytesWritten == 0)
                {
                    Warn("ModelGate job summary", "this step's job summary is already full (1 MiB); the report was not added to it");
                }
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException)
            {
                Warn("ModelGate job summary", $"could not append to GITHUB_STEP_SUMMARY ({e.Message})");
            }
        }

        if (_environment.IsActions)
        {
            var written = 0;
            foreach (var annotation in publication.Annotations.Where(a => a.Level is AnnotationLevel.Error or AnnotationLevel.Warning))
            {
                Line(WorkflowCommand.Annotation(annotation.Level, $"{annotation.Code} {annotation.Title}", annotation.Message));
                written++;
            }

            _result = _result with { AnnotationsWritten = _result.AnnotationsWritten + written };
        }

        await WriteOutputsAsync(
            [
                new("verdict", publication.Verdict),
                new("intruders", publication.TotalIntruders.ToString(CultureInfo.InvariantCulture)),
                new("report", publication.ReportPath ?? ""),
            ],
            cancellationToken).ConfigureAwait(false);
    }

    /// <summary>Posts or updates the PR comment; any refusal is a warning, and the output comment-url is set when it worked.</summary>
    public async Task CommentAsync(GitHubPublication publication, CancellationToken cancellationToken)
    {
        var fallback = _result.SummaryWritten ? "the report is in the job summary" : $"the report is {WhereIsTheFile(publication)}";

        if (_environment.Repository is not { } repository || repository.Split('/') is not [{ Length: > 0 } owner, { Length: > 0 } name])
        {
            var why = $"GITHUB_REPOSITORY is {(_environment.Repository is null ? "not set" : $"'{_environment.Repository}', not owner/name")}";
            Warn("ModelGate PR comment", $"no PR comment: {why}; {fallback}");
            _result = _result with { CommentSkipped = why };
            return;
        }

        var pullRequest = PullRequestEvent.Find(_environment.EventPath, _environment.EventName);
        if (pullRequest.Number is not { } number)
        {
            // Not a problem (push, schedule, manual runs): say so once and move on.
            Line($"{Tag}: no PR comment: {pullRequest.Reason}; {fallback}");
            _result = _result with { CommentSkipped = pullRequest.Reason };
            return;
        }

        if (_environment.Token is not { } token)
        {
            const string why = "GITHUB_TOKEN is not set (pass `env: GITHUB_TOKEN: ${{ github.token }}`, or the action's github-token input)";
            Warn("ModelGate PR comment", $"no comment on pull request #{number}: {why}; {fallback}");
            _result = _result with { CommentSkipped = why };
            return;
        }

        Uri apiUrl;
        try
        {
            apiUrl = _environment.ApiUrl;
        }
        catch (FormatException e)
        {
            Warn("ModelGate PR comment", $"no comment on pull request #{number}: {e.Message}; {fallback}");
            _result = _result with { CommentSkipped = e.Message };
            return;
        }

        var marker = new CommentMarker(_options.CommentLabel ?? CommentMarker.DefaultLabel(_environment.Job, _options.Adapters));
        var (body, truncated) = CommentBody(publication, marker, _result.SummaryWritten);
        try
        {
            var client = _clientFactory(apiUrl, token, _options.RequestTimeout);
            var commenter = new PullRequestCommenter(client, new GitHubRetry(_options.Retry, _redactor));
            var comment = await commenter.UpsertAsync(owner, name, number, marker, body, cancellationToken).ConfigureAwait(false);
            var verb = comment.Action switch
            {
                CommentAction.Created => "posted",
                CommentAction.Updated => "updated",
                _ => "left unchanged",
            };
            Line($"{Tag}: {verb} the report comment on pull request #{number}{(comment.Url is { } url ? $": {url}" : "")}");
            _result = _result with { Comment = comment, CommentTruncated = truncated };
            if (comment.Url is { } commentUrl)
            {
                await WriteOutputsAsync([new("comment-url", commentUrl)], cancellationToken).ConfigureAwait(false);
            }
        }
        catch (GitHubCallException e)
        {
            var hint = e.Kind switch
            {
                GitHubFailureKind.Forbidden =>
                    " The token cannot write to this pull request: GITHUB_TOKEN is read-only on pull requests from forks," +
                    " and the job needs `permissions: pull-requests: write` otherwise.",
                GitHubFailureKind.Unauthorized => " The token was refused: check the github-token input or GITHUB_TOKEN.",
                GitHubFailureKind.NotFound => " Check GITHUB_REPOSITORY and GITHUB_API_URL, and that the token can see the repository.",
                _ => "",
            };
            Warn("ModelGate PR comment", $"could not comment on pull request #{number}: {e.Message}.{hint} {Capitalized(fallback)}; the gate's verdict is unaffected.");
            _result = _result with { CommentSkipped = e.Message };
        }
    }

    private async Task WriteOutputsAsync(IReadOnlyList<KeyValuePair<string, string>> outputs, CancellationToken cancellationToken)
    {
        if (_environment.OutputPath is not { } outputPath)
        {
            return;
        }

        try
        {
            await ActionOutputs.AppendAsync(outputPath, outputs, cancellationToken).ConfigureAwait(false);
            _result = _result with { OutputsWritten = true };
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            Warn("ModelGate outputs", $"could not write GITHUB_OUTPUT ({e.Message})");
        }
    }

    private (string Body, bool Truncated) CommentBody(GitHubPublication publication, CommentMarker marker, bool summaryWritten)
    {
        var runUrl = _environment.RunUrl;
        var run = runUrl is null ? "" : $" · [workflow run]({runUrl})";
        var header = marker.Text + "\n";
        var footer = $"\n<sub>ModelGate {ToolVersion.Current} · {EscapeInline(marker.Label)}{run} · this comment is updated on every run</sub>\n";

        var whereElse = summaryWritten && runUrl is not null
            ? $"in the [job summary]({runUrl}) of this run"
            : summaryWritten ? "in the job summary of this run" : WhereIsTheFile(publication);
        if (publication.ReportPath is { } path && summaryWritten)
        {
            whereElse += $" and in `{Path.GetFileName(path)}` (upload it as an artifact to keep it)";
        }

        var notice = $"\n> **The report is cut here** to stay under GitHub's 65,536-character comment limit; the full report is {whereElse}.\n";
        var budget = _options.MaxCommentChars - header.Length - footer.Length;
        var trimmed = MarkdownTrimmer.Fit(publication.Markdown.EndsWith('\n') ? publication.Markdown : publication.Markdown + "\n", budget, s => s.Length, notice);
        return (header + trimmed.Text + footer, trimmed.Truncated);
    }

    private static string WhereIsTheFile(GitHubPublication publication) =>
        publication.ReportPath is { } path ? $"in {path} (upload it as an artifact to keep it)" : "in the tool's output (write it with --report)";

    private static string EscapeInline(string text) => text.Replace("<", "&lt;", StringComparison.Ordinal).Replace(">", "&gt;", StringComparison.Ordinal);

    private static string Capitalized(string text) => text.Length == 0 ? text : char.ToUpperInvariant(text[0]) + text[1..];

    private void Warn(string title, string message)
    {
        var clean = _redactor.Redact(message);
        _warnings.Add(clean);
        Line(_environment.IsActions ? WorkflowCommand.Annotation(AnnotationLevel.Warning, title, clean) : $"warning: {clean}");
    }

    private void Line(string text) => _log.WriteLine(_redactor.Redact(text));
}
