namespace ModelGate.Core.Forgetting;

/// <summary>
/// What a forgetting report measured: the base and the adapters by content, and each dataset's files by SHA-256, so
/// that a gate handed the report instead of measuring can refuse one made for another base or adapter.
/// </summary>
/// <param name="Base">The base model.</param>
/// <param name="Adapters">The adapters, in merge order.</param>
/// <param name="DatasetSha256">Per dataset name, the SHA-256 of its file (of a folder: of its files' "name hash" lines, in name order).</param>
public sealed record ForgettingProvenance(MeasuredModel Base, IReadOnlyList<MeasuredModel> Adapters, IReadOnlyDictionary<string, string> DatasetSha256)
{
    /// <summary>Per dataset name, for one fetched from a registry, where: its URI at the pinned revision (hf://datasets/org/name@sha/path).</summary>
    public IReadOnlyDictionary<string, string> DatasetSources { get; init; } = new Dictionary<string, string>();
}
