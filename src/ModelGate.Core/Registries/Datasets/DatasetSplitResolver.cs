using ModelGate.Core.Errors;

namespace ModelGate.Core.Registries.Datasets;

/// <summary>
/// "The files of dataset D, config C, split S at revision R": D (hf://datasets/org/name@R) is pinned and listed by
/// its registry, the split's shards picked by <see cref="DatasetSplitLayout"/>, and only those fetched, with the cache,
/// resume and checks every registry download has.
/// </summary>
public sealed class DatasetSplitResolver(RegistryResolver resolver)
{
    public async Task<ResolvedDatasetSplit> ResolveAsync(string dataset, string? config, string split, string? cacheFolder,
        IProgress<RegistryProgress>? progress, CancellationToken cancellationToken)
    {
        ArgumentException.ThrowIfNullOrEmpty(split);
        var folder = await resolver.ResolveSubsetAsync(dataset, files =>
        {
            var picked = DatasetSplitLayout.Pick(files.Select(f => f.Path), config, split).ToHashSet(StringComparer.Ordinal);
            return picked.Count > 0
                ? [.. files.Where(f => picked.Contains(f.Path))]
                : throw new UserInputException($"{RegistryReference.Parse(dataset).Display}: no Parquet files for config '{config ?? DatasetSplitLayout.DefaultConfig}', split '{split}' " +
                                               $"(looked for {DatasetSplitLayout.Describe(config, split)}; the Hub's own Parquet conversion is at revision refs/convert/parquet)");
        }, cacheFolder, progress, cancellationToken);
        // Picked again from what is on disk: a local folder (file://) is used in place, with all its files.
        var local = Directory.EnumerateFiles(folder.Path, "*.parquet", SearchOption.AllDirectories)
            .Select(f => Path.GetRelativePath(folder.Path, f).Replace(Path.DirectorySeparatorChar, '/'));
        var files = DatasetSplitLayout.Pick(local, config, split).Select(f => RemoteFileNames.LocalPath(folder.Path, f)).ToList();
        return new ResolvedDatasetSplit(files, folder.Display, folder.Pinned, folder.Statistics);
    }
}
