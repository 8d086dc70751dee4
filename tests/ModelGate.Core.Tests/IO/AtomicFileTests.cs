using ModelGate.Core.Errors;
using ModelGate.Core.IO;
using ModelGate.Testing;
using ModelGate.Testing.IO;

namespace ModelGate.Core.Tests.IO;

public sealed class AtomicFileTests
{
    [UnwritableFolderFact]
    public void WriteAllText_FolderRefusesWrites_IsAUserErrorAndLeavesNoTemporaryFile()
    {
        var path = Path.Combine(UnwritableFolder.Path!, "report.md");

        var error = Assert.Throws<UserInputException>(() => AtomicFile.WriteAllText(path, "# report")).Message;

        Assert.Equal($"{path}: cannot write (permission denied); nothing was written", error);
        Assert.DoesNotContain(Directory.EnumerateFileSystemEntries(UnwritableFolder.Path!), e => Path.GetFileName(e).StartsWith(".report.md.", StringComparison.Ordinal));
    }

    [Fact]
    public void WriteAllText_TemporaryLeftByAKilledProcess_IsRemovedAndALiveOnesKept()
    {
        using var dir = new TempDirectory();
        var path = dir.File("verdict.json");
        var gone = TemporaryOwner.Current with { StartedUnixSeconds = TemporaryOwner.Current.StartedUnixSeconds - 3600 };
        var orphan = dir.File($".verdict.json.tmp-{gone.Tag}-0a0b0c");
        var live = dir.File($".verdict.json.tmp-{TemporaryOwner.Current.Tag}-0d0e0f");
        File.WriteAllText(orphan, "{ \"verdict\": ");
        File.WriteAllText(live, "{ ");

        AtomicFile.WriteAllText(path, "{}");

        Assert.Equal("{}", File.ReadAllText(path));
        Assert.False(File.Exists(orphan));
        Assert.True(File.Exists(live));
        Assert.Equal(2, Directory.GetFiles(dir.Path).Length);
    }
}
