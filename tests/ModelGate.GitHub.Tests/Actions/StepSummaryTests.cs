using System.Text;
using ModelGate.GitHub.Actions;
using ModelGate.Testing;

namespace ModelGate.GitHub.Tests.Actions;

public sealed class StepSummaryTests
{
    [Fact]
    public async Task Append_KeepsWhatOtherToolsWroteBefore()
    {
        using var folder = new TempDirectory();
        var path = folder.File("summary.md");
        await File.WriteAllTextAsync(path, "## Tests\n\nall green\n");

        var result = await StepSummary.AppendAsync(path, "# Gate\n\npass", "cut", CancellationToken.None);

        Assert.Equal("## Tests\n\nall green\n# Gate\n\npass\n", await File.ReadAllTextAsync(path));
        Assert.False(result.Truncated);
    }

    [Fact]
    public async Task Append_NearlyFullFile_CutsTheReportToWhatIsLeftOfTheStepsMebibyte()
    {
        using var folder = new TempDirectory();
        var path = folder.File("summary.md");
        await File.WriteAllTextAsync(path, new string('x', StepSummary.MaxBytes - 3_000) + "\n");
        var report = new StringBuilder("# Gate\n\n");
        for (var i = 0; i < 100; i++)
        {
            report.Append("## Module ").Append(i).Append(" — σ ").Append('\n').Append(new string('é', 40)).Append("\n\n");
        }

        var result = await StepSummary.AppendAsync(path, report.ToString(), "> cut; see report.md", CancellationToken.None);

        Assert.True(result.Truncated);
        Assert.InRange(new FileInfo(path).Length, StepSummary.MaxBytes - 500, StepSummary.MaxBytes);
        var text = await File.ReadAllTextAsync(path);
        Assert.EndsWith("\n\n> cut; see report.md\n", text);
        Assert.Contains("## Module 10 ", text);
    }

    [Fact]
    public async Task Append_FullFile_WritesNothing()
    {
        using var folder = new TempDirectory();
        var path = folder.File("summary.md");
        await File.WriteAllTextAsync(path, new string('x', 100));

        var result = await StepSummary.AppendAsync(path, "# Gate\n", "cut", CancellationToken.None, maxBytes: 102);

        Assert.Equal(0, result.BytesWritten);
        Assert.Equal(100, new FileInfo(path).Length);
    }
}
