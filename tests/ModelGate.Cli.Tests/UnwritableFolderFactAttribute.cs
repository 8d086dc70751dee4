using ModelGate.Testing.IO;

namespace ModelGate.Cli.Tests;

/// <summary>A test that needs a folder this process cannot write in (<see cref="UnwritableFolder"/>); skipped, saying why, where there is none.</summary>
public sealed class UnwritableFolderFactAttribute : FactAttribute
{
    public UnwritableFolderFactAttribute()
    {
        if (UnwritableFolder.Path is null)
        {
            Skip = UnwritableFolder.SkipReason;
        }
    }
}
