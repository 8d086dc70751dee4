using ModelGate.Core.IO;
using ModelGate.Testing;

namespace ModelGate.Core.Tests.IO;

public sealed class StagedFolderTests
{
    // This process's id with another start time: the id of a process that is gone, now reused by us.
    private static readonly string DeadTag = (TemporaryOwner.Current with { StartedUnixSeconds = TemporaryOwner.Current.StartedUnixSeconds - 3600 }).Tag;

    [Fact]
    public void Write_StagingFoldersOfGoneProcessesInTheParent_AreRemovedAndALiveOnesKept()
    {
        using var dir = new TempDirectory();
        var dead = dir.File($".other.modelgate-{DeadTag}-{Guid.NewGuid():N}");
        var live = dir.File($".other.modelgate-{TemporaryOwner.Current.Tag}-{Guid.NewGuid():N}");
        Directory.CreateDirectory(dead);
        File.WriteAllText(Path.Combine(dead, "model.safetensors.tmp-x"), "partial");
        Directory.CreateDirectory(live);

        StagedFolder.Write(dir.File("merged"), replace: false, staging => File.WriteAllText(Path.Combine(staging, "config.json"), "{}"));

        Assert.False(Directory.Exists(dead));
        Assert.True(Directory.Exists(live));
        Assert.True(File.Exists(dir.File("merged/config.json")));
    }

    [Fact]
    public void Write_PreviousOutputOfAProcessKilledBetweenItsRenames_IsKept()
    {
        using var dir = new TempDirectory();
        var old = dir.File($".model.modelgate-{DeadTag}-{Guid.NewGuid():N}.old");
        Directory.CreateDirectory(old);

        StagedFolder.Write(dir.File("other"), replace: false, staging => File.WriteAllText(Path.Combine(staging, "config.json"), "{}"));

        Assert.True(Directory.Exists(old)); // "model" itself is missing: this is the only copy of the user's folder
    }
}
