using System.Text;
using ModelGate.GitHub.Markdown;

namespace ModelGate.GitHub.Actions;

/// <summary>
/// Appends Markdown to the job summary file ($GITHUB_STEP_SUMMARY). GitHub keeps at most 1 MiB per step: past it
/// the upload fails (with an annotation) and nothing shows, so the report is cut at a section boundary to what is
/// left of the step's 1 MiB, with a line saying where the full report is.
/// </summary>
public static class StepSummary
{
    /// <summary>GitHub's limit per step, in bytes.</summary>
    public const int MaxBytes = 1024 * 1024;

    public static async Task<StepSummaryResult> AppendAsync(string path, string markdown, string overflowNotice, CancellationToken cancellationToken, int maxBytes = MaxBytes)
    {
        var existing = File.Exists(path) ? new FileInfo(path).Length : 0;
        var budget = (int)Math.Max(0, maxBytes - existing);
        var utf8 = new UTF8Encoding(encoderShouldEmitUTF8Identifier: false);
        var block = markdown.EndsWith('\n') ? markdown : markdown + "\n";

        var trimmed = MarkdownTrimmer.Fit(block, budget, utf8.GetByteCount, "\n" + overflowNotice + "\n");
        if (trimmed.Text.Length == 0)
        {
            return new StepSummaryResult(0, Truncated: true);
        }

        // Append, never replace: other steps' tools may have written to the same file before us.
        await File.AppendAllTextAsync(path, trimmed.Text, utf8, cancellationToken).ConfigureAwait(false);
        return new StepSummaryResult(utf8.GetByteCount(trimmed.Text), trimmed.Truncated);
    }
}
