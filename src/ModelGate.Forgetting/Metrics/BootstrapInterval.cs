namespace ModelGate.Forgetting.Metrics;

/// <summary>A paired-bootstrap interval, or (both ends null) the reason there is none.</summary>
public sealed record BootstrapInterval(double? Low, double? High, string? Unavailable)
{
    public static BootstrapInterval None(string reason) => new(null, null, reason);
}
