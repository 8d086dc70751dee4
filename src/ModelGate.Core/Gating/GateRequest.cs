using ModelGate.Core.Forgetting;
using ModelGate.Core.Registries;
using ModelGate.Core.Spectral;

namespace ModelGate.Core.Gating;

/// <summary>
/// One gate run, as every front end (CLI, MSBuild, Action) builds it: what to analyse, the resolved policy
/// (file, then overrides), and where the results go. <see cref="GateRunner"/> does the rest.
/// </summary>
public sealed record GateRequest
{
    /// <summary>The base model the adapters were trained on, as resolved (its folder, how reports name it, its version).</summary>
    public required ResolvedModel BaseModel { get; init; }

    /// <summary>The PEFT adapters, merged in this order, each as resolved.</summary>
    public required IReadOnlyList<ResolvedModel> Adapters { get; init; }

    /// <summary>
    /// The releases trained before <see cref="Adapters"/>, in training order, for the lineage rule; empty: no lineage.
    /// The chain analysed is these, then <see cref="Adapters"/>.
    /// </summary>
    public IReadOnlyList<ResolvedModel> Lineage { get; init; } = [];

    /// <summary>The policy with every override applied; <see cref="GatePolicy.Baseline"/> names the baseline, if any.</summary>
    public GatePolicy Policy { get; init; } = GatePolicyLoader.Default;

    /// <summary>auto, cpu, cuda or cuda:N.</summary>
    public string Device { get; init; } = "auto";

    /// <summary>Where base spectra are cached; null: MODELGATE_CACHE or the user's cache folder.</summary>
    public string? CacheFolder { get; init; }

    /// <summary>A published spectra location (see <see cref="AnalysisSettings.Spectra"/>); null: none.</summary>
    public string? Spectra { get; init; }

    /// <summary>The iterative paths' residual tolerance (see <see cref="AnalysisSettings.Tolerance"/>).</summary>
    public double Tolerance { get; init; } = AnalysisDefaults.Tolerance;

    /// <summary>
    /// The analysis when it was computed elsewhere (the shards of a CI matrix, combined and checked against these
    /// models by <c>Evidence.AnalysisParts</c>): the gate uses it instead of analysing. Null: the gate analyses.
    /// </summary>
    public IntruderReport? Analysis { get; init; }

    /// <summary>
    /// The forgetting observations when they were measured elsewhere (a forgetting report of these models, checked by
    /// <c>Evidence.ForgettingEvidence</c>): the gate uses them instead of measuring. Null: the gate measures when the policy asks.
    /// </summary>
    public IReadOnlyList<ForgettingObservation>? Forgetting { get; init; }

    /// <summary>
    /// The policy's forgetting data a front end fetched from a registry, by the entry as the policy writes it: a corpus or
    /// task at an <c>hf://datasets/…</c> URI, or a bare lm-eval task name (its own Hub split). Other entries are local files.
    /// </summary>
    public IReadOnlyDictionary<string, ResolvedDataset> FetchedData { get; init; } = new Dictionary<string, ResolvedDataset>();

    /// <summary>
    /// Whether a blocked release gets <see cref="GateResult.Repair"/>: the adapter recounted after repair at several λ
    /// (a mitigation and an analysis per λ), and whether forgetting blocked too.
    /// </summary>
    public bool AdviseRepair { get; init; }

    /// <summary>Whether to record SHA-256 hashes of the base's and adapters' weight files in the run metadata.</summary>
    public bool HashWeights { get; init; } = true;

    /// <summary>Where the result goes once decided (Markdown, HTML, JSON files; PR comment, step summary), in order.</summary>
    public IReadOnlyList<IReportSink> Sinks { get; init; } = [];

    /// <summary>The analysis settings this request implies.</summary>
    public AnalysisSettings AnalysisSettings => new()
    {
        K = Policy.Analysis.K,
        Epsilon = Policy.Analysis.Epsilon,
        Method = Policy.Analysis.Method,
        Modules = Policy.Analysis.Modules,
        Tolerance = Tolerance,
        CacheFolder = CacheFolder,
        Spectra = Spectra,
    };
}
