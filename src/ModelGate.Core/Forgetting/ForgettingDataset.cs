namespace ModelGate.Core.Forgetting;

/// <summary>What was measured on: a corpus (documents) or a multiple-choice task (items), and how many tokens went in per model.</summary>
public sealed record ForgettingDataset(string Name, string Kind, int Units, long Tokens)
{
    /// <summary>The units its intervals and minimum detectable effects come from.</summary>
    public required ResampledUnits Resampled { get; init; }
}
