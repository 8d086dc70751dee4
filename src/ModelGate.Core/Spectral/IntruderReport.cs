namespace ModelGate.Core.Spectral;

/// <summary>The result of one analysis: per module, per layer and in total. Serialised as the JSON contract.</summary>
public sealed record IntruderReport
{
    public required string ToolVersion { get; init; }
    public required ComparisonKind Kind { get; init; }
    public required string BaseModel { get; init; }

    /// <summary>The adapter folders in merge order, or the one fine-tuned model folder.</summary>
    public required IReadOnlyList<string> Tuned { get; init; }

    public required int K { get; init; }
    public required double Epsilon { get; init; }
    public string? ModuleFilter { get; init; }

    /// <summary>What was asked for (<see cref="AnalysisMethod"/>); each module records the path it took.</summary>
    public string Method { get; init; } = AnalysisMethod.FullSvd;

    /// <summary>The residual tolerance the iterative paths worked to; 0 for the full SVD.</summary>
    public double Tolerance { get; init; }

    /// <summary>Where base spectra were read from and written to; null with the full SVD.</summary>
    public string? CacheFolder { get; init; }

    /// <summary>How many base spectra had to be computed in this run (0 with a warm cache).</summary>
    public int CacheMisses { get; init; }

    /// <summary>The published spectra location read (<c>--spectra</c>, secrets redacted); null when none.</summary>
    public string? Spectra { get; init; }

    /// <summary>How many base spectra came from <see cref="Spectra"/>.</summary>
    public int SpectraFetched { get; init; }

    /// <summary>
    /// Bytes fetched from registries for this analysis: for a streamed base everything since it was resolved in this
    /// process (config, index, shard headers, the tensors read by range), plus the published spectra fetched; 0 when
    /// everything was local or mirrored before.
    /// </summary>
    public long BytesFetched { get; init; }

    /// <summary>How many modules took each path, e.g. "low-rank ×12, krylov ×2".</summary>
    public string Paths => string.Join(", ", Modules.GroupBy(m => m.Method).OrderBy(g => g.Key, StringComparer.Ordinal).Select(g => $"{g.Key} ×{g.Count()}"));

    /// <summary>Set when this is one shard of an analysis split between jobs: which, and what it was computed from; null for a whole analysis.</summary>
    public Sharding.ShardProvenance? Shard { get; init; }

    public required string Device { get; init; }
    public required TimeSpan Elapsed { get; init; }
    public required IReadOnlyList<ModuleIntruders> Modules { get; init; }
    public IReadOnlyList<string> Warnings { get; init; } = [];

    public int TotalIntruders => Modules.Sum(m => m.Intruders);

    /// <summary>Total intruders at each ε of <see cref="EpsilonSweep.Thresholds"/>.</summary>
    public IReadOnlyList<int> SweepTotals =>
        EpsilonSweep.Thresholds.Select((_, i) => Modules.Sum(m => m.SweepCounts[i])).ToArray();

    public IReadOnlyList<LayerIntruders> Layers =>
        Modules.GroupBy(m => m.Layer)
            .OrderBy(g => g.Key ?? int.MaxValue)
            .Select(g => new LayerIntruders(g.Key, g.Count(), g.Sum(m => m.Intruders)))
            .ToArray();
}
