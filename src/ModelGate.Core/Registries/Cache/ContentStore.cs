using System.Security.Cryptography;
using System.Text;
using ModelGate.Core.IO;

namespace ModelGate.Core.Registries.Cache;

/// <summary>
/// Downloaded files, kept by the SHA-256 of their bytes under the cache root (beside the spectrum cache):
/// <code>
/// registry/v1/blobs/sha256/ab/abcd…     the bytes, read-only, shared by every model that has them
/// registry/v1/sources/&lt;hash of source key&gt;  which blob a registry's (URL, ETag) or (repo, commit, path) holds
/// registry/v1/partial/&lt;key&gt;.partial      a download in progress (resumed from its length) and its .lock
/// registry/v1/folders/&lt;cache key hash&gt;/  a resolved version as a folder of hard links into blobs/
/// </code>
/// Everything appears by rename, so a reader never sees a half-written blob or folder; a lock file per partial
/// download keeps two processes from writing the same one.
/// </summary>
public sealed class ContentStore
{
    public ContentStore(string cacheRoot)
    {
        Folder = Path.Combine(cacheRoot, "registry", "v1");
    }

    public string Folder { get; }

    public string BlobPath(string sha256) => Path.Combine(Folder, "blobs", "sha256", sha256[..2], sha256);

    public bool HasBlob(string sha256) => File.Exists(BlobPath(sha256));

    /// <summary>The blob a source key was last downloaded to, if it is still there.</summary>
    public string? FindSource(string sourceKey)
    {
        var record = SourcePath(sourceKey);
        if (!File.Exists(record))
        {
            return null;
        }

        var sha = BoundedFile.ReadAllText(record, BoundedFile.ConfigLimit, "registry cache record").Trim();
        return sha.Length == 64 && HasBlob(sha) ? sha : null;
    }

    public void RecordSource(string sourceKey, string sha256)
    {
        var record = SourcePath(sourceKey);
        Directory.CreateDirectory(Path.GetDirectoryName(record)!);
        AtomicFile.WriteAllText(record, sha256);
    }

    public string PartialPath(string sourceKey)
    {
        var folder = Path.Combine(Folder, "partial");
        Directory.CreateDirectory(folder);
        return Path.Combine(folder, Hash(sourceKey) + ".partial");
    }

    /// <summary>
    /// Holds the lock on one source key's partial download; waits (polling, up to <paramref name="wait"/>) while
    /// another process or task holds it. Lock files are left in place: deleting one while another process is about
    /// to lock it would let two writers in.
    /// </summary>
    public static async Task<IDisposable> LockAsync(string partialPath, TimeSpan wait, TimeProvider time, CancellationToken cancellationToken)
    {
        var lockPath = partialPath + ".lock";
        var deadline = time.GetUtcNow() + wait;
        var pause = TimeSpan.FromMilliseconds(20);
        while (true)
        {
            try
            {
                return new FileStream(lockPath, FileMode.OpenOrCreate, FileAccess.ReadWrite, FileShare.None);
            }
            catch (IOException) when (time.GetUtcNow() < deadline)
            {
                await Task.Delay(pause, time, cancellationToken);
                pause = TimeSpan.FromMilliseconds(Math.Min(pause.TotalMilliseconds * 2, 500));
            }
            catch (IOException e)
            {
                throw new TimeoutException($"another process has been downloading {Path.GetFileName(partialPath)} for over {wait}: {e.Message}", e);
            }
        }
    }

    /// <summary>Moves a verified download into the store; when another process got there first its copy is kept.</summary>
    public string Commit(string partialPath, string sha256)
    {
        var target = BlobPath(sha256);
        Directory.CreateDirectory(Path.GetDirectoryName(target)!);
        if (File.Exists(target))
        {
            File.Delete(partialPath);
            return target;
        }

        if (!OperatingSystem.IsWindows())
        {
            // Materialised folders hard-link these bytes: read-only keeps an edit there from changing the store.
            File.SetUnixFileMode(partialPath, UnixFileMode.UserRead | UnixFileMode.GroupRead | UnixFileMode.OtherRead);
        }

        try
        {
            File.Move(partialPath, target, overwrite: false);
        }
        catch (IOException) when (File.Exists(target))
        {
            File.Delete(partialPath);
        }

        return target;
    }

    /// <summary>The folder of a resolved version, when an earlier run made it.</summary>
    public string? FindFolder(string cacheKey)
    {
        var folder = FolderPath(cacheKey);
        return Directory.Exists(folder) ? folder : null;
    }

    /// <summary>
    /// Lays out <paramref name="files"/> (relative path → blob sha256) as a folder of hard links (copies where
    /// links are impossible), built under a temporary name and renamed into place.
    /// </summary>
    public string Materialise(string cacheKey, IReadOnlyDictionary<string, string> files)
    {
        var final = FolderPath(cacheKey);
        if (Directory.Exists(final))
        {
            return final;
        }

        var parent = Path.GetDirectoryName(final)!;
        Directory.CreateDirectory(parent);
        var staging = Path.Combine(parent, $".{Path.GetFileName(final)}.{Guid.NewGuid():N}.tmp");
        try
        {
            Directory.CreateDirectory(staging);
            foreach (var (relative, sha) in files)
            {
                var target = RemoteFileNames.LocalPath(staging, relative);
                Directory.CreateDirectory(Path.GetDirectoryName(target)!);
                HardLink.CreateOrCopy(BlobPath(sha), target);
            }

            Directory.Move(staging, final);
        }
        catch (IOException) when (Directory.Exists(final))
        {
            // Another process materialised the same version first: its folder has the same files.
        }
        finally
        {
            if (Directory.Exists(staging))
            {
                Directory.Delete(staging, recursive: true);
            }
        }

        return final;
    }

    public static string Hash(string text) => Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(text)));

    private string SourcePath(string sourceKey)
    {
        var hash = Hash(sourceKey);
        return Path.Combine(Folder, "sources", hash[..2], hash);
    }

    private string FolderPath(string cacheKey) => Path.Combine(Folder, "folders", Hash(cacheKey)[..32]);
}
