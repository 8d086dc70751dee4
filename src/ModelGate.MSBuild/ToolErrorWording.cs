namespace ModelGate.MSBuild;

/// <summary>
/// The tool's one-line error names the flag it was given (<c>--adapter x: folder not found</c>); the project never
/// typed that flag but an item, its metadata or a property, which this task turned into it. The flags the task itself
/// writes are renamed back; flags in <c>Arguments</c> stay as the project wrote them.
/// </summary>
internal static class ToolErrorWording
{
    private static readonly (string Flag, string Name)[] Names =
    [
        ("--adapter", "IntruderGateAdapter"),
        ("--base", "Base (IntruderGateBase)"),
        ("--policy", "Policy (IntruderGatePolicy)"),
        ("--baseline", "Baseline"),
        ("--fail-on (MODELGATE_FAILON)", "FailOn (IntruderGateFailOn)"),
        ("--fail-on", "FailOn (IntruderGateFailOn)"),
        ("--report", "Report"),
        ("--html", "Html"),
        ("--cache", "IntruderGateCache"),
        ("--spectra", "Spectra (IntruderGateSpectra)"),
        ("--json", "the verdict file (IntruderGateOutputPath)"),
    ];

    /// <summary><paramref name="line"/> with a leading flag this task wrote named as the project names it.</summary>
    public static string ForProject(string line)
    {
        foreach (var (flag, name) in Names)
        {
            if (line.StartsWith(flag, StringComparison.Ordinal) && (line.Length == flag.Length || line[flag.Length] is ' ' or ':'))
            {
                return name + line[flag.Length..];
            }
        }

        return line;
    }
}
