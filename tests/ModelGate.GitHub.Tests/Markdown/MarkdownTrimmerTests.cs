using ModelGate.GitHub.Markdown;

namespace ModelGate.GitHub.Tests.Markdown;

public sealed class MarkdownTrimmerTests
{
    private const string Notice = "\n> cut\n";

    [Fact]
    public void Fit_TextWithinBudget_IsUnchanged()
    {
        var trimmed = MarkdownTrimmer.Fit("# a\n\ntext\n", 100, s => s.Length, Notice);

        Assert.Equal(new TrimmedMarkdown("# a\n\ntext\n", false), trimmed);
    }

    [Fact]
    public void Fit_TooLong_CutsBeforeTheLastHeadingThatFitsAndAddsTheNotice()
    {
        var text = "# Gate\n\nintro\n\n## One\n\n" + new string('1', 30) + "\n\n## Two\n\n" + new string('2', 30) + "\n";

        var trimmed = MarkdownTrimmer.Fit(text, text.IndexOf("## Two", StringComparison.Ordinal) + Notice.Length + 5, s => s.Length, Notice);

        Assert.True(trimmed.Truncated);
        Assert.Equal(text[..text.IndexOf("## Two", StringComparison.Ordinal)] + Notice, trimmed.Text);
    }

    [Fact]
    public void Fit_HashLinesInsideACodeBlock_AreNotSectionBoundaries()
    {
        var text = "# Gate\n\n```text\n# not a heading\n" + new string('x', 40) + "\n```\n\n## Next\n\nmore\n";

        var budget = text.IndexOf("## Next", StringComparison.Ordinal) - 5 + Notice.Length;
        var trimmed = MarkdownTrimmer.Fit(text, budget, s => s.Length, Notice);

        // Only whole lines fit, so the cut is inside the code block: the fence is closed before the notice.
        Assert.DoesNotContain("# not a heading\n" + Notice, trimmed.Text);
        Assert.EndsWith("```\n" + Notice, trimmed.Text);
        Assert.InRange(trimmed.Text.Length, 1, budget);
    }

    [Fact]
    public void Fit_MeasuredInUtf8Bytes_StaysWithinTheByteBudget()
    {
        var text = "# Gate\n\n## σσσσ\n\n" + new string('σ', 50) + "\n\n## τ\n\n" + new string('τ', 50) + "\n";

        var trimmed = MarkdownTrimmer.Fit(text, 150, System.Text.Encoding.UTF8.GetByteCount, Notice);

        Assert.True(System.Text.Encoding.UTF8.GetByteCount(trimmed.Text) <= 150);
        Assert.EndsWith(Notice, trimmed.Text);
        Assert.Contains("## σσσσ", trimmed.Text);
        Assert.DoesNotContain("## τ", trimmed.Text);
    }

    [Fact]
    public void Fit_NoRoomEvenForTheNotice_GivesNothing()
    {
        Assert.Equal("", MarkdownTrimmer.Fit(new string('x', 100), 3, s => s.Length, Notice).Text);
    }

    [Fact]
    public void Fit_ReportOfThousandsOfSections_MeasuresEachLineOnce()
    {
        var text = new System.Text.StringBuilder("# Gate\n");
        for (var i = 0; i < 5_000; i++)
        {
            text.Append("## Module ").Append(i).Append("\n\nrow\n");
        }

        var calls = 0;
        var trimmed = MarkdownTrimmer.Fit(text.ToString(), 60_000, s => { calls++; return s.Length; }, Notice);

        Assert.True(trimmed.Truncated);
        Assert.InRange(trimmed.Text.Length, 59_000, 60_000);
        Assert.InRange(calls, 1, (5_000 * 3) + 1 + 3);
    }
}
