
namespace ModelGate.Core.Registries.Datasets;

/// <summary>One split of a registry dataset, fetched into the cache.</summary>
/// <param name="Files">Its local shard files, in order.</param>
/// <param name="Display">The dataset as given, secrets redacted.</param>
/// <param name="Pinned">The dataset at the commit its revision resolved to (hf://datasets/org/name@sha): what reports record.</param>
/// <param name="Statistics">What fetching it cost.</param>
public sealed record ResolvedDatasetSplit(IReadOnlyList<string> Files, string Display, string Pinned, DownloadStatistics Statistics);
