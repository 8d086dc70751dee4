
namespace ModelGate.Core.Forgetting;

/// <summary>Base against merged on every dataset, with the settings that produced the numbers and the throughput.</summary>
public sealed record ForgettingReport
{
    public required string ModelType { get; init; }

    public required LanguageModelKind Kind { get; init; }

    public required string Tokenizer { get; init; }

    public required int MaxLength { get; init; }

    public required int Stride { get; init; }

    public required ForgettingSettings Settings { get; init; }

    public required IReadOnlyList<ForgettingDataset> Datasets { get; init; }

    public required IReadOnlyList<ForgettingMetric> Metrics { get; init; }

    public required ScoringThroughput BaseThroughput { get; init; }

    public required ScoringThroughput MergedThroughput { get; init; }

    public required TimeSpan Elapsed { get; init; }

    /// <summary>Which base, adapters and data were measured; null when the measurement is not kept as evidence (inside a gate, a benchmark).</summary>
    public ForgettingProvenance? Provenance { get; init; }
}
