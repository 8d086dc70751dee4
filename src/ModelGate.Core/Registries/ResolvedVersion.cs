namespace ModelGate.Core.Registries;

/// <summary>
/// A reference pinned to bytes: the registry's immutable id for it (a Hub commit, an Azure listing of names and
/// ETags) and its files. <see cref="LocalFolder"/> is set when the reference already is a folder on this machine.
/// </summary>
/// <param name="Reference">What was resolved.</param>
/// <param name="VersionId">Pinned id shown in reports (e.g. <c>hf://org/name@3f2a…</c>).</param>
/// <param name="CacheKey">Names this exact content in the local cache; equal keys mean equal files.</param>
/// <param name="Files">The files, sorted by path.</param>
/// <param name="LocalFolder">A local folder that needs no download; null for remote versions.</param>
public sealed record ResolvedVersion(
    RegistryReference Reference,
    string VersionId,
    string CacheKey,
    IReadOnlyList<RemoteFile> Files,
    string? LocalFolder = null);
