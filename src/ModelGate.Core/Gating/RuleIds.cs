namespace ModelGate.Core.Gating;

/// <summary>Rule ids (the policy key they read) and their stable codes, which MSBuild logs and CI greps.</summary>
public static class RuleIds
{
    public const string Total = "intruders.total";
    public const string PerModule = "intruders.perModule";
    public const string PerLayer = "intruders.perLayer";
    public const string Growth = "intruders.growth";
    public const string LineageGrowth = "intruders.lineageGrowth";
    public const string PerplexityIncreasePct = "forgetting." + ForgettingMetric.PerplexityIncreasePct;
    public const string PseudoLossIncrease = "forgetting." + ForgettingMetric.PseudoLossIncrease;
    public const string AccuracyDropPts = "forgetting." + ForgettingMetric.AccuracyDropPts;
    public const string BaseMismatch = "provenance.baseMismatch";
    public const string ZeroUpdate = "provenance.zeroUpdate";

    public static string CodeOf(string id) => id switch
    {
        Total => "MG0001",
        PerModule => "MG0002",
        PerLayer => "MG0003",
        Growth => "MG0004",
        LineageGrowth => "MG0005",
        PerplexityIncreasePct => "MG0101",
        PseudoLossIncrease => "MG0102",
        AccuracyDropPts => "MG0103",
        BaseMismatch => "MG0201",
        ZeroUpdate => "MG0202",
        _ => throw new ArgumentException($"no code for rule '{id}'", nameof(id)),
    };
}
