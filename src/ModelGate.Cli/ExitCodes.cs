namespace ModelGate.Cli;

/// <summary>The tool's exit codes; CI scripts and the Action branch on them.</summary>
public static class ExitCodes
{
    public const int Ok = 0;

    /// <summary>Reserved for a failed gate.</summary>
    public const int GateFailed = 1;

    public const int BadInput = 2;
    public const int Unexpected = 3;
    public const int Cancelled = 130;
}
