using ModelGate.Core.Reporting;

namespace ModelGate.Core.Tests.Reporting;

public sealed class ForgettingReportMarkdownTests
{
    [Fact]
    public void Render_BlocksMcNemarAndMde_EachPrintedWhereTheIntervalIs()
    {
        var md = ForgettingReportMarkdown.Render(SampleForgettingReports.OneDocumentAndATask());

        Assert.Contains("paired-bootstrap interval (1000 resamples, seed 1234) over 37 blocks of 32 tokens (1 document) of eval.txt, 40 items of arc.", md);
        Assert.Contains("| 95 % interval | MDE |", md);
        Assert.Contains("| +7.500 % | [+6.100, +8.900] % | 1.250 % |", md);
        Assert.Contains("| 0.000 | unavailable (zero width: the resampled deltas did not vary) | – |", md);
        Assert.Contains("| +20.000 | [+5.000, +35.000]; McNemar b 10, c 2, p 0.0386 | 14.200 |", md);
    }
}
