using ModelGate.Core.Errors;
using ModelGate.Core.IO;
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
}
