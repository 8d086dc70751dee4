using ModelGate.Core.Errors;
using ModelGate.Core.IO;
using ModelGate.Testing;

namespace ModelGate.Core.Tests.IO;

public sealed class BoundedFileTests
{
    [Fact]
    public void ReadAllBytes_FileOfExactlyTheLimit_IsRead()
    {
        using var dir = new TempDirectory();
        File.WriteAllBytes(dir.File("policy.json"), new byte[1 << 20]);

        Assert.Equal(1 << 20, BoundedFile.ReadAllBytes(dir.File("policy.json"), 1 << 20, "policy file").Length);
    }

    [Fact]
    public void ReadAllBytes_OneByteOverTheLimit_NamesFileLimitAndWhat()
    {
        using var dir = new TempDirectory();
        File.WriteAllBytes(dir.File("policy.json"), new byte[(1 << 20) + 1]);

        var e = Assert.Throws<UserInputException>(() => BoundedFile.ReadAllBytes(dir.File("policy.json"), 1 << 20, "policy file"));

        Assert.Equal($"{dir.File("policy.json")}: larger than 1 MiB limit for a policy file", e.Message);
    }

    [Fact]
    public void ReadLines_StreamedPastTheBudget_FailsWithoutReadingTheRest()
    {
        using var dir = new TempDirectory();
        File.WriteAllLines(dir.File("tasks.jsonl"), Enumerable.Repeat(new string('x', 99), 100));

        var lines = BoundedFile.ReadLines(dir.File("tasks.jsonl"), 1000, "task file");

        var e = Assert.Throws<UserInputException>(() => lines.Count());
        Assert.Contains("larger than 1000 byte limit for a task file", e.Message);
    }

    [Fact]
    public void ReadAllText_ByteOrderMark_IsNotPartOfTheText()
    {
        using var dir = new TempDirectory();
        File.WriteAllBytes(dir.File("config.json"), [0xEF, 0xBB, 0xBF, (byte)'{', (byte)'}']);

        Assert.Equal("{}", BoundedFile.ReadAllText(dir.File("config.json"), 100, "model config"));
    }

    [Fact]
    public void RequireRegular_Folder_SaysItIsAFolder()
    {
        using var dir = new TempDirectory();

        var e = Assert.Throws<UserInputException>(() => BoundedFile.RequireRegular(dir.Path, "policy file"));

        Assert.Contains("is a folder, not a regular file", e.Message);
    }
}
