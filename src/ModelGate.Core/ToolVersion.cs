using System.Reflection;

namespace ModelGate.Core;

/// <summary>The version stamped into every report, so a result can be traced to the tool that made it.</summary>
public static class ToolVersion
{
    public static string Current { get; } =
        typeof(ToolVersion).Assembly.GetCustomAttribute<AssemblyInformationalVersionAttribute>()?.InformationalVersion.Split('+')[0]
        ?? typeof(ToolVersion).Assembly.GetName().Version?.ToString()
        ?? "0.0.0";
}
