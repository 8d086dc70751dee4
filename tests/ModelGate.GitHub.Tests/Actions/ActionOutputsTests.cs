using ModelGate.GitHub.Actions;
using ModelGate.Testing;
using ModelGate.Testing.GitHub;

namespace ModelGate.GitHub.Tests.Actions;

public sealed class ActionOutputsTests
{
    [Fact]
    public async Task Append_MultiLineValue_UsesTheDelimiterFormAndReadsBackWhole()
    {
        using var folder = new TempDirectory();
        var path = folder.File("output");
        await File.WriteAllTextAsync(path, "earlier=kept\n");

        await ActionOutputs.AppendAsync(path, [new("verdict", "fail"), new("notes", "line 1\nverdict=pass\nline 3")], CancellationToken.None);

        var outputs = OutputFile.Parse(await File.ReadAllTextAsync(path));
        Assert.Equal("kept", outputs["earlier"]);
        Assert.Equal("fail", outputs["verdict"]);
        Assert.Equal("line 1\nverdict=pass\nline 3", outputs["notes"]);
        Assert.Matches(@"^verdict<<ghadelimiter_[0-9a-f]{32}\nfail\nghadelimiter_[0-9a-f]{32}\n$", ActionOutputs.Format("verdict", "fail"));
    }

    [Fact]
    public void Format_NameWithNewline_IsRefused()
    {
        Assert.Throws<ArgumentException>(() => ActionOutputs.Format("a\nb", "x"));
    }
}
