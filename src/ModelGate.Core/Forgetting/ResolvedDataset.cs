namespace ModelGate.Core.Forgetting;

/// <summary>
/// A forgetting dataset once fetched: the local files to read (a registry split may be several Parquet shards) and,
/// when it came from a registry, the commit it was read at.
/// </summary>
/// <param name="Name">How reports and policies name it (<see cref="TaskReference.DatasetName"/>).</param>
/// <param name="Files">Its local files or folder, in order.</param>
/// <param name="Revision">The registry commit (e.g. a Hub sha); null for local data.</param>
/// <param name="Pinned">The registry URI at that commit, as the report records it; null for local data.</param>
public sealed record ResolvedDataset(string Name, IReadOnlyList<string> Files, string? Revision = null, string? Pinned = null);
