namespace ModelGate.MSBuild;

/// <summary>
/// Codes for what goes wrong around the gate rather than in it. Rule codes (MG0001 ...) come from the verdict itself;
/// these sit apart, in the MG09xx range, so a build script can tell "the adapter failed" from "the gate did not run".
/// </summary>
internal static class DiagnosticCodes
{
    /// <summary>The tool refused its input (exit 2): a missing folder, a malformed policy, a bad option.</summary>
    public const string BadInput = "MG0900";

    /// <summary>The tool failed unexpectedly (exit 3 or an unknown code).</summary>
    public const string ToolFailed = "MG0901";

    /// <summary>The tool exited 0 or 1 but left no readable verdict.</summary>
    public const string NoVerdict = "MG0902";

    /// <summary>The gate tool is missing or was built for another platform.</summary>
    public const string WrongPlatform = "MG0903";

    /// <summary>An IntruderGateAdapter item lacks what the gate needs (a base model).</summary>
    public const string BadItem = "MG0904";

    /// <summary>MSBuild on .NET Framework (Visual Studio's msbuild.exe) cannot load this .NET task.</summary>
    public const string UnsupportedMSBuild = "MG0905";

    public const string Subcategory = "IntruderGate";
}
