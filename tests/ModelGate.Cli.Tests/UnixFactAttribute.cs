namespace ModelGate.Cli.Tests;

/// <summary>A test of something only Unix has (FIFOs, device files, SIGINT); skipped, visibly, on Windows.</summary>
public sealed class UnixFactAttribute : FactAttribute
{
    public UnixFactAttribute()
    {
        if (OperatingSystem.IsWindows())
        {
            Skip = "needs Unix (FIFOs, device files, signals)";
        }
    }
}
