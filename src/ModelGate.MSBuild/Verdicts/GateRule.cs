namespace ModelGate.MSBuild.Verdicts;

/// <summary>One rule's outcome in the verdict JSON, e.g. intruders.total / MG0001 / fail.</summary>
internal sealed record GateRule
{
    public string Id { get; init; } = "";

    /// <summary>The stable code MSBuild logs (MG0001 intruders.total ... MG0103 forgetting.accuracyDropPts).</summary>
    public string Code { get; init; } = "";

    /// <summary>pass, warn or fail.</summary>
    public string Status { get; init; } = "";

    public double? Observed { get; init; }

    public double? Warn { get; init; }

    public double? Fail { get; init; }

    /// <summary>The module, layer or dataset the rule is about; null for whole-adapter rules.</summary>
    public string? Target { get; init; }

    public string Message { get; init; } = "";
}
