using ModelGate.Core.Tensors;

namespace ModelGate.Core.Spectral.Publishing;

/// <summary>
/// A weight file of the base that <c>precompute --publish</c> read in full and found free of NaN and infinities:
/// its length, header digest and SHA-256 (<see cref="ShardIdentity"/>). A gate streaming a file that matches it does not
/// fetch the file again just to scan it.
/// </summary>
public sealed record SpectraManifestBaseFile(long Length, string LayoutSha256, string Sha256)
{
    public static SpectraManifestBaseFile From(ShardIdentity scanned)
    {
        ArgumentNullException.ThrowIfNull(scanned);
        return new SpectraManifestBaseFile(scanned.Length, scanned.LayoutSha256, scanned.Sha256 ?? throw new ArgumentException("The file was not hashed.", nameof(scanned)));
    }

    public ShardIdentity IdentityOf(string fileName) => new(fileName, Length, LayoutSha256, Sha256);
}
