namespace ModelGate.Core.Tensors;

/// <summary>
/// What says one safetensors file of a model is the same as another without reading its tensors: its length, the
/// digest of its header (<see cref="SafetensorsHeader.LayoutSha256"/>) and, where the registry gives it (the Hub's LFS
/// files) or something has hashed it, the SHA-256 of its bytes. Used to skip the NaN/infinity scan of a streamed
/// base's file that <c>precompute --publish</c> already scanned (see docs/spectrum-cache.md).
/// </summary>
/// <param name="FileName">The file's name in the model folder.</param>
/// <param name="Length">Its length in bytes.</param>
/// <param name="LayoutSha256">The digest of its header.</param>
/// <param name="Sha256">Lower-case hex SHA-256 of its bytes; null when not known without reading them.</param>
public sealed record ShardIdentity(string FileName, long Length, string LayoutSha256, string? Sha256)
{
    /// <summary>
    /// Whether <paramref name="scanned"/> (a file hashed and scanned in full) describes this file: same name, length and
    /// header, and the same bytes where this file's SHA-256 is known. Without that hash, two files that pass differ at
    /// most in tensor values at identical positions, which is what a re-upload of another checkpoint of the same
    /// architecture would look like; the tensors an analysis reads are still checked and keyed by their own bytes.
    /// </summary>
    public bool IsDescribedBy(ShardIdentity scanned)
    {
        ArgumentNullException.ThrowIfNull(scanned);
        return FileName == scanned.FileName && Length == scanned.Length && LayoutSha256 == scanned.LayoutSha256
            && (Sha256 is null || Sha256 == scanned.Sha256);
    }
}
