namespace ModelGate.Core.Registries;

/// <summary>
/// A place models and adapters are kept, addressed by URI. One implementation per scheme, registered with
/// <see cref="RegistryServiceCollectionExtensions.AddRegistry{TRegistry}"/>; the resolver and the promoter work on
/// any of them.
/// </summary>
public interface IRegistry
{
    /// <summary>Versions directly under <paramref name="location"/> (sub-folders, prefixes, branches and tags).</summary>
    Task<IReadOnlyList<RegistryVersion>> ListVersionsAsync(RegistryReference location, CancellationToken cancellationToken);

    /// <summary>Pins <paramref name="reference"/> to an immutable version and lists its files.</summary>
    Task<ResolvedVersion> ResolveAsync(RegistryReference reference, CancellationToken cancellationToken);

    /// <summary>
    /// The cache key of <paramref name="reference"/> when it already names immutable content (a Hub commit hash), so
    /// a cached manifest can be used without asking the registry; null when it must be resolved first.
    /// </summary>
    string? ImmutableCacheKey(RegistryReference reference);

    /// <summary>
    /// The file or folder inside the version that <paramref name="reference"/> names ('/'-separated: a dataset's file
    /// on the Hub), laid out at that path in the version's folder; null when it names the whole version.
    /// </summary>
    string? EntryOf(RegistryReference reference) => null;

    /// <summary>
    /// Opens <paramref name="file"/> of <paramref name="version"/> from byte <paramref name="offset"/>, for
    /// <paramref name="length"/> bytes when given (a range read: a safetensors header, one tensor), else to the end.
    /// A registry may send more than asked (<see cref="RemoteRead.Offset"/> says where it starts); callers read what they need.
    /// </summary>
    Task<RemoteRead> OpenReadAsync(ResolvedVersion version, RemoteFile file, long offset, long? length, CancellationToken cancellationToken);

    /// <summary>The location <paramref name="name"/> ('/'-separated, checked) under <paramref name="folder"/>.</summary>
    RegistryReference Child(RegistryReference folder, string name);

    /// <summary>
    /// Uploads <paramref name="localPath"/> as <paramref name="name"/> under <paramref name="folder"/>, replacing what
    /// has that name; a reader sees the old file or the new one, never a part.
    /// </summary>
    Task WriteFileAsync(RegistryReference folder, string name, string localPath, CancellationToken cancellationToken);

    /// <summary>A small text file under <paramref name="folder"/>; null when it does not exist.</summary>
    Task<string?> ReadTextAsync(RegistryReference folder, string name, CancellationToken cancellationToken);

    /// <summary>
    /// Writes a small text file under <paramref name="folder"/>, with <paramref name="labels"/> as the registry's own
    /// metadata where it has any (Azure blob metadata and index tags).
    /// </summary>
    Task WriteTextAsync(RegistryReference folder, string name, string text, IReadOnlyDictionary<string, string> labels, CancellationToken cancellationToken);

    /// <summary>
    /// Uploads <paramref name="localPath"/> as <paramref name="name"/> under <paramref name="folder"/> only if nothing
    /// has that name yet: true when written, false when something was already there (nothing is replaced). A reader
    /// never sees a part of the file: Azure commits a blob in one step, a folder gets a temporary file renamed into place.
    /// </summary>
    Task<bool> CreateFileAsync(RegistryReference folder, string name, string localPath, CancellationToken cancellationToken);

    /// <summary>A small text file under <paramref name="folder"/> with a tag that changes whenever it is rewritten (its ETag); null when absent.</summary>
    Task<TaggedText?> ReadTaggedTextAsync(RegistryReference folder, string name, CancellationToken cancellationToken);

    /// <summary>
    /// Writes a small text file only if it still has <paramref name="expectedTag"/> (null: only if it does not exist),
    /// so read-modify-write by several writers loses nobody's change: false when another writer came first.
    /// </summary>
    Task<bool> ReplaceTextAsync(RegistryReference folder, string name, string text, string? expectedTag, CancellationToken cancellationToken);
}
