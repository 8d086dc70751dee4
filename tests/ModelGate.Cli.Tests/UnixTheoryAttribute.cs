namespace ModelGate.Cli.Tests;

/// <summary>The theory form of <see cref="UnixFactAttribute"/>.</summary>
public sealed class UnixTheoryAttribute : TheoryAttribute
{
    public UnixTheoryAttribute()
    {
        if (OperatingSystem.IsWindows())
        {
            Skip = "needs Unix (FIFOs, device files, signals)";
        }
    }
}
