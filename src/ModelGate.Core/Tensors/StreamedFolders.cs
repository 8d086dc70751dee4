using System.Collections.Concurrent;

namespace ModelGate.Core.Tensors;

/// <summary>
/// Local folders whose weights are streamed: a registry base resolved for streaming becomes a folder with its small
/// files (config.json, the shard index) and is registered here with the source of its safetensors files, so that
/// <see cref="ModelWeights.OpenAsync"/> reads it like any folder while fetching only the tensors asked for. Front ends keep
/// passing folder paths; only the resolver that made the folder and <see cref="ModelWeights"/> know the difference.
/// </summary>
public static class StreamedFolders
{
    private static readonly ConcurrentDictionary<string, IRemoteShardSource> Sources = new(StringComparer.Ordinal);

    /// <summary>Registers <paramref name="source"/> for <paramref name="folder"/> for the rest of the process.</summary>
    public static void Register(string folder, IRemoteShardSource source)
    {
        ArgumentException.ThrowIfNullOrEmpty(folder);
        ArgumentNullException.ThrowIfNull(source);
        Sources[Normalise(folder)] = source;
    }

    /// <summary>The source registered for <paramref name="folder"/>, or null when its weights are local files.</summary>
    public static IRemoteShardSource? SourceOf(string folder) => Sources.GetValueOrDefault(Normalise(folder));

    private static string Normalise(string folder) => Path.TrimEndingDirectorySeparator(Path.GetFullPath(folder));
}
