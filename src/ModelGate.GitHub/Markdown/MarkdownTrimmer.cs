namespace ModelGate.GitHub.Markdown;

/// <summary>
/// Cuts Markdown to a size budget at a section boundary (before a heading outside code blocks), appending a notice
/// that says where the rest is. Only when the first section alone does not fit is it cut between lines, with an
/// open code fence closed so the rest of the page still renders.
/// </summary>
public static class MarkdownTrimmer
{
    /// <param name="markdown">the whole text</param>
    /// <param name="budget">the most the result may measure, notice included</param>
    /// <param name="measure">characters for a comment (GitHub counts characters), UTF-8 bytes for a summary file</param>
    /// <param name="notice">appended when the text is cut</param>
    public static TrimmedMarkdown Fit(string markdown, int budget, Func<string, int> measure, string notice)
    {
        if (measure(markdown) <= budget)
        {
            return new TrimmedMarkdown(markdown, Truncated: false);
        }

        var room = budget - measure(notice);
        if (room <= 0)
        {
            return new TrimmedMarkdown("", Truncated: true);
        }

        // Sizes of every prefix ending at a line break, measured line by line (both measures add up over lines), so a
        // megabyte report with thousands of sections is measured once, not once per candidate cut.
        var lines = SplitLines(markdown);
        var prefixLength = new int[lines.Count + 1];
        var prefixSize = new long[lines.Count + 1];
        for (var i = 0; i < lines.Count; i++)
        {
            prefixLength[i + 1] = prefixLength[i] + lines[i].Text.Length;
            prefixSize[i + 1] = prefixSize[i] + measure(lines[i].Text);
        }

        // Section starts: headings outside fences, after the first line. Keep the most sections that fit.
        for (var i = lines.Count - 1; i > 0; i--)
        {
            if (lines[i].IsHeading && prefixSize[i] <= room)
            {
                return new TrimmedMarkdown(markdown[..prefixLength[i]] + notice, Truncated: true);
            }
        }

        // Not even the first section fits: the most whole lines that do, closing a fence left open.
        for (var i = lines.Count - 1; i > 0; i--)
        {
            if (prefixSize[i] > room)
            {
                continue;
            }

            var closer = lines[i].OpenFence is { } fence ? fence + "\n" : "";
            var kept = markdown[..prefixLength[i]];
            var tail = kept.EndsWith('\n') ? closer : "\n" + closer;
            if (prefixSize[i] + measure(tail) <= room)
            {
                return new TrimmedMarkdown(kept + tail + notice, Truncated: true);
            }
        }

        return new TrimmedMarkdown(notice.TrimStart('\n'), Truncated: true);
    }

    private static List<Line> SplitLines(string markdown)
    {
        var lines = new List<Line>();
        string? fence = null;
        var start = 0;
        while (start < markdown.Length)
        {
            var end = markdown.IndexOf('\n', start);
            var next = end < 0 ? markdown.Length : end + 1;
            var text = markdown[start..next];
            var content = text.TrimEnd('\r', '\n');
            var indent = content.Length - content.TrimStart(' ').Length;
            var body = content.TrimStart(' ');

            // `fence` is the fence open *before* this line: a cut before it must close that fence.
            var isHeading = fence is null && indent <= 3 && IsAtxHeading(body);
            lines.Add(new Line(text, isHeading, fence));

            if (indent <= 3 && FenceMarker(body) is { } marker)
            {
                if (fence is null)
                {
                    fence = marker;
                }
                else if (marker[0] == fence[0] && marker.Length >= fence.Length && body.Trim().Trim(marker[0]).Length == 0)
                {
                    fence = null;
                }
            }

            start = next;
        }

        return lines;
    }

    private static bool IsAtxHeading(string body)
    {
        var hashes = 0;
        while (hashes < body.Length && body[hashes] == '#')
        {
            hashes++;
        }

        return hashes is >= 1 and <= 6 && (hashes == body.Length || body[hashes] is ' ' or '\t');
    }

    private static string? FenceMarker(string body)
    {
        if (body.Length < 3 || body[0] is not ('`' or '~'))
        {
            return null;
        }

        var length = 0;
        while (length < body.Length && body[length] == body[0])
        {
            length++;
        }

        return length >= 3 ? body[..length] : null;
    }

    private sealed record Line(string Text, bool IsHeading, string? OpenFence);
}
