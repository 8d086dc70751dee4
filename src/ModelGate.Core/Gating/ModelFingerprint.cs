using System.Security.Cryptography;
using System.Text;

namespace ModelGate.Core.Gating;

/// <summary>
/// Identifies a model or adapter folder by the SHA-256 of its weight files (<c>*.safetensors</c> and the shard index).
/// <see cref="Sha256"/> is the single file's hash, or for several files the hash of their "name hash" lines in name order.
/// </summary>
public sealed record ModelFingerprint(string Folder, IReadOnlyList<FileDigest> Files)
{
    public string Sha256 => Files.Count == 1
        ? Files[0].Sha256
        : Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(string.Concat(Files.Select(f => $"{f.File} {f.Sha256}\n")))));

    public long Bytes => Files.Sum(f => f.Bytes);

    public static async Task<ModelFingerprint> ComputeAsync(string folder, CancellationToken cancellationToken)
    {
        var files = Directory.Exists(folder)
            ? Directory.EnumerateFiles(folder, "*.safetensors").Concat(Directory.EnumerateFiles(folder, "*.safetensors.index.json"))
                .Order(StringComparer.Ordinal).ToArray()
            : [];
        var digests = new List<FileDigest>(files.Length);
        foreach (var file in files)
        {
            await using var stream = new FileStream(file, FileMode.Open, FileAccess.Read, FileShare.Read, 1 << 20, FileOptions.Asynchronous | FileOptions.SequentialScan);
            var hash = await SHA256.HashDataAsync(stream, cancellationToken);
            digests.Add(new FileDigest(Path.GetFileName(file), stream.Length, Convert.ToHexStringLower(hash)));
        }

        return new ModelFingerprint(folder, digests);
    }
}
