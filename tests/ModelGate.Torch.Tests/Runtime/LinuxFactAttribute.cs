namespace ModelGate.Torch.Tests.Runtime;

/// <summary>
/// A fact about Linux's loader, libstdc++ or ELF files: skipped with a reason elsewhere (and where a tool it compares
/// against is missing), so the test report shows it did not run instead of a green test that checked nothing.
/// </summary>
public sealed class LinuxFactAttribute : FactAttribute
{
    internal const string NotLinux = "Linux only: checks the ELF loader path that Debian 12 / Ubuntu 22.04 need";

    public LinuxFactAttribute()
    {
        if (!OperatingSystem.IsLinux())
        {
            Skip = NotLinux;
        }
    }

    /// <summary>A program the test runs (e.g. readelf); the test is skipped with its name when it is not on PATH.</summary>
    public string? RequiresTool
    {
        get => requiresTool;
        init
        {
            requiresTool = value;
            if (Skip is null && value is not null && !OnPath(value))
            {
                Skip = $"{value} is not on PATH (apt-get install binutils)";
            }
        }
    }

    private readonly string? requiresTool;

    private static bool OnPath(string tool) =>
        (Environment.GetEnvironmentVariable("PATH") ?? string.Empty).Split(':').Any(d => File.Exists(Path.Combine(d, tool)));
}
