namespace ModelGate.MSBuild.Verdicts;

/// <summary>
/// The fields of the gate's verdict JSON (contract: schemaVersion 1, kind modelgate.verdict) that MSBuild reports on.
/// The task reads the contract rather than referencing Core: Core carries TorchSharp, which has no place in MSBuild.
/// </summary>
internal sealed record GateVerdict
{
    public int SchemaVersion { get; init; }

    public string? Kind { get; init; }

    /// <summary>pass, warn or fail.</summary>
    public string Verdict { get; init; } = "";

    /// <summary>fail, warn or never: which statuses block the release.</summary>
    public string FailOn { get; init; } = "fail";

    public int ExitCode { get; init; }

    public int TotalIntruders { get; init; }

    public IReadOnlyList<GateRule> Rules { get; init; } = [];
}
