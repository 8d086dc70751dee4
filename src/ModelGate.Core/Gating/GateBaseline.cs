namespace ModelGate.Core.Gating;

/// <summary>
/// What a previous release's gate (or analysis) found, read from its verdict JSON or <c>analyze --format json</c>
/// report: the growth rule and the report's "changes" section compare against it.
/// </summary>
public sealed record GateBaseline
{
    public required string Path { get; init; }

    /// <summary>"verdict" or "analysis": which kind of file it was.</summary>
    public required string Kind { get; init; }

    public required int TotalIntruders { get; init; }

    /// <summary>Intruders per weight name, for the modules the baseline analysed.</summary>
    public IReadOnlyDictionary<string, int> Modules { get; init; } = new Dictionary<string, int>();

    /// <summary>The baseline's own verdict (pass/warn/fail) when it was a verdict file.</summary>
    public RuleStatus? Verdict { get; init; }

    /// <summary>The adapters the baseline analysed, for the report.</summary>
    public IReadOnlyList<string> Adapters { get; init; } = [];

    public int K { get; init; }
    public double Epsilon { get; init; }
}
