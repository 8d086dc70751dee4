namespace ModelGate.Core.Registries;

/// <summary>
/// One file of a resolved version, with whatever the registry says about its bytes. The checksums that are known
/// are checked after download; <see cref="SourceKey"/> names these exact bytes (URL + ETag, or repository + commit +
/// path), so a second run finds them in the content store without downloading.
/// </summary>
/// <param name="Path">Relative path inside the version, '/'-separated, already checked by <see cref="RemoteFileNames"/>.</param>
/// <param name="Size">Length in bytes; -1 when the registry did not say.</param>
/// <param name="Sha256">Lower-case hex SHA-256 when the registry gives it (Hub LFS files).</param>
/// <param name="Md5">Base64 Content-MD5 when the registry gives it (Azure blobs uploaded in one request).</param>
/// <param name="GitBlobSha1">Lower-case hex git blob id (Hub non-LFS files): sha1("blob {size}\0" + bytes).</param>
/// <param name="ETag">The registry's entity tag, sent back as If-Match so a blob changed mid-download is noticed.</param>
/// <param name="SourceKey">Identifies these bytes across runs.</param>
/// <param name="VersionId">Azure blob version id, when versioning is on: the bytes are then immutable.</param>
public sealed record RemoteFile(
    string Path,
    long Size,
    string? Sha256,
    string? Md5,
    string? GitBlobSha1,
    string? ETag,
    string SourceKey,
    string? VersionId = null);
