namespace ModelGate.Core.Registries;

/// <summary>
/// A model or adapter reference resolved once, as one value that travels into analyses, reports and the verdict:
/// nothing downstream renames a cache folder back into what the user gave.
/// </summary>
/// <param name="LocalPath">The folder ModelGate reads: the user's own, or the cache's copy of a registry version.</param>
/// <param name="Display">The reference as given, secrets redacted: what reports and messages name.</param>
/// <param name="PinnedRevision">The immutable version a registry resolved it to (a Hub commit, an Azure ETag set); null for a plain folder.</param>
/// <param name="ContentHash">The SHA-256 of its weight files (<see cref="Gating.ModelFingerprint.Sha256"/>) once something has read them; null until then.</param>
public sealed record ResolvedModel(string LocalPath, string Display, string? PinnedRevision = null, string? ContentHash = null)
{
    /// <summary>A plain folder: read where it is, named as given, with no registry version.</summary>
    public static ResolvedModel Folder(string path) => new(path, path);
}
