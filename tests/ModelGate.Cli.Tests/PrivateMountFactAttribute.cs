using ModelGate.Testing.IO;

namespace ModelGate.Cli.Tests;

/// <summary>A test that needs a really full disk (<see cref="PrivateMount"/>); skipped, saying why, where none can be set up.</summary>
public sealed class PrivateMountFactAttribute : FactAttribute
{
    public PrivateMountFactAttribute()
    {
        if (!PrivateMount.IsAvailable)
        {
            Skip = PrivateMount.SkipReason;
        }
    }
}
