using System.Security.Cryptography;
using System.Text;

namespace ModelGate.Core.Registries.Cache;

/// <summary>The checksums registries publish, computed in one pass over a downloaded file.</summary>
internal sealed record FileChecksums(long Length, string Sha256, string Md5Base64, string GitBlobSha1)
{
    public static async Task<FileChecksums> ComputeAsync(string path, CancellationToken cancellationToken)
    {
        await using var stream = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.Read, 1 << 20, useAsync: true);
        using var sha256 = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
        using var md5 = IncrementalHash.CreateHash(HashAlgorithmName.MD5);
        using var gitSha1 = IncrementalHash.CreateHash(HashAlgorithmName.SHA1);
        // A git blob id hashes a "blob <size>\0" header before the bytes (how the Hub names non-LFS files).
        gitSha1.AppendData(Encoding.ASCII.GetBytes($"blob {stream.Length}\0"));
        var buffer = new byte[1 << 20];
        int read;
        while ((read = await stream.ReadAsync(buffer, cancellationToken)) > 0)
        {
            sha256.AppendData(buffer, 0, read);
            md5.AppendData(buffer, 0, read);
            gitSha1.AppendData(buffer, 0, read);
        }

        return new FileChecksums(
            stream.Length,
            Convert.ToHexStringLower(sha256.GetHashAndReset()),
            Convert.ToBase64String(md5.GetHashAndReset()),
            Convert.ToHexStringLower(gitSha1.GetHashAndReset()));
    }

    /// <summary>Why these bytes are not <paramref name="file"/>, or null when every published checksum agrees.</summary>
    public string? Mismatch(RemoteFile file)
    {
        if (file.Size >= 0 && file.Size != Length)
        {
            return $"{Length} bytes, the registry says {file.Size}";
        }

        if (file.Sha256 is { } sha && !sha.Equals(Sha256, StringComparison.OrdinalIgnoreCase))
        {
            return $"sha256 {Sha256}, the registry says {sha}";
        }

        if (file.Md5 is { } md5 && md5 != Md5Base64)
        {
            return $"Content-MD5 {Md5Base64}, the registry says {md5}";
        }

        if (file.GitBlobSha1 is { } blob && !blob.Equals(GitBlobSha1, StringComparison.OrdinalIgnoreCase))
        {
            return $"git blob id {GitBlobSha1}, the registry says {blob}";
        }

        return null;
    }
}
