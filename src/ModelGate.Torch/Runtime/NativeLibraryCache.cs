using System.Runtime.Versioning;
using System.Security.Cryptography;
using ModelGate.Core.IO;

namespace ModelGate.Torch.Runtime;

/// <summary>
/// Where patched native libraries live: never beside the original, because that is the NuGet cache or a build output
/// other tools own. Keyed by the original's hash so a TorchSharp upgrade gets a fresh copy and never an old patch.
/// </summary>
[UnsupportedOSPlatform("windows")]
internal static class NativeLibraryCache
{
    /// <summary>
    /// Writes <paramref name="patched"/> as <c>&lt;root&gt;/native/&lt;hash&gt;/&lt;fileName&gt;</c> and returns its path;
    /// an identical file already there is reused. The write goes to a unique temporary name and is renamed into place,
    /// so a concurrent process sees either no file or a complete one, and a file another process has mapped stays valid.
    /// </summary>
    public static string Store(string fileName, ReadOnlySpan<byte> original, byte[] patched) =>
        Store(fileName, original, patched, CandidateRoots());

    internal static string Store(string fileName, ReadOnlySpan<byte> original, byte[] patched, IEnumerable<string> roots)
    {
        var key = Convert.ToHexStringLower(SHA256.HashData(original))[..16];
        var failures = new List<string>();
        foreach (var root in roots)
        {
            try
            {
                return StoreUnder(root, key, fileName, patched);
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException)
            {
                failures.Add($"{root}: {e.Message}");
            }
        }

        throw new NativeRuntimeException(
            $"Could not write the patched {fileName} to a cache folder ({string.Join("; ", failures)}); set {CacheRoot.Variable} to a writable folder.");
    }

    /// <summary>The cache root (<see cref="CacheRoot"/>); the per-user temp folder only when that is not writable.</summary>
    internal static IEnumerable<string> CandidateRoots()
    {
        var configured = CacheRoot.Resolve(null);
        yield return configured;

        // /tmp is shared by all users and we dlopen what is there: a name per user and a mode-700 folder keep
        // anyone else from planting a library in it.
        var fallback = CacheRoot.PerUserTemp();
        if (!string.Equals(fallback, configured, StringComparison.Ordinal))
        {
            yield return fallback;
        }
    }

    private static string StoreUnder(string root, string key, string fileName, byte[] patched)
    {
        const UnixFileMode OwnerOnly = UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute;
        Directory.CreateDirectory(root, OwnerOnly);
        var directory = Directory.CreateDirectory(Path.Combine(root, "native", key), OwnerOnly).FullName;
        if ((File.GetUnixFileMode(directory) & (UnixFileMode.GroupWrite | UnixFileMode.OtherWrite)) != 0)
        {
            throw new IOException($"{directory} is writable by other users, so a library loaded from it cannot be trusted");
        }

        var target = Path.Combine(directory, fileName);
        if (File.Exists(target) && new FileInfo(target).Length == patched.Length && File.ReadAllBytes(target).AsSpan().SequenceEqual(patched))
        {
            return target;
        }

        var temporary = Path.Combine(directory, $"{fileName}.{Environment.ProcessId}.{Guid.NewGuid():N}.tmp");
        try
        {
            using (var stream = new FileStream(temporary, FileMode.CreateNew, FileAccess.Write))
            {
                stream.Write(patched);
                stream.Flush(flushToDisk: true);
            }

            File.Move(temporary, target, overwrite: true);
        }
        finally
        {
            File.Delete(temporary);
        }

        return target;
    }
}
