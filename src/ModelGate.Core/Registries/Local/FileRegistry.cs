using ModelGate.Core.IO;

namespace ModelGate.Core.Registries.Local;

/// <summary>
/// Plain folders and file:// URIs: a version is a sub-folder. Resolving a folder costs nothing (it is used in
/// place); promotion copies files in and writes the release marker last.
/// </summary>
public sealed class FileRegistry : IRegistry
{
    public Task<IReadOnlyList<RegistryVersion>> ListVersionsAsync(RegistryReference location, CancellationToken cancellationToken)
    {
        var folder = location.LocalPath;
        if (!Directory.Exists(folder))
        {
            throw new Errors.UserInputException($"{location.Display}: folder not found");
        }

        IReadOnlyList<RegistryVersion> versions = Directory.EnumerateDirectories(folder)
            .Where(d => !Path.GetFileName(d).StartsWith('.'))
            .Order(StringComparer.Ordinal)
            .Select(d => new RegistryVersion(
                Path.GetFileName(d),
                Child(location, Path.GetFileName(d)).Display,
                null,
                ReleaseMarker.TryParse(ReadIfExists(Path.Combine(d, ReleaseMarker.FileName)))))
            .ToList();
        return Task.FromResult(versions);
    }

    public Task<ResolvedVersion> ResolveAsync(RegistryReference reference, CancellationToken cancellationToken) =>
        Task.FromResult(new ResolvedVersion(reference, reference.LocalPath, "file:" + Path.GetFullPath(reference.LocalPath), [], reference.LocalPath));

    public string? ImmutableCacheKey(RegistryReference reference) => null;

    /// <summary>A local file needs no range request: the stream is positioned at <paramref name="offset"/> and the caller reads <paramref name="length"/> bytes of it.</summary>
    public Task<RemoteRead> OpenReadAsync(ResolvedVersion version, RemoteFile file, long offset, long? length, CancellationToken cancellationToken)
    {
        var stream = File.OpenRead(RemoteFileNames.LocalPath(version.Reference.LocalPath, file.Path));
        stream.Seek(offset, SeekOrigin.Begin);
        return Task.FromResult(new RemoteRead(stream, offset));
    }

    public RegistryReference Child(RegistryReference folder, string name)
    {
        RemoteFileNames.Check(folder.Display, name);
        return folder.Uri is null ? RegistryReference.Parse(Path.Combine(folder.Original, name)) : folder.Append(name);
    }

    public async Task WriteFileAsync(RegistryReference folder, string name, string localPath, CancellationToken cancellationToken) =>
        await CopyInAsync(folder, name, localPath, overwrite: true, cancellationToken);

    public Task<string?> ReadTextAsync(RegistryReference folder, string name, CancellationToken cancellationToken) =>
        Task.FromResult(ReadIfExists(RemoteFileNames.LocalPath(folder.LocalPath, RemoteFileNames.Check(folder.Display, name))));

    public Task WriteTextAsync(RegistryReference folder, string name, string text, IReadOnlyDictionary<string, string> labels, CancellationToken cancellationToken)
    {
        Directory.CreateDirectory(folder.LocalPath);
        AtomicFile.WriteAllText(RemoteFileNames.LocalPath(folder.LocalPath, RemoteFileNames.Check(folder.Display, name)), text);
        return Task.CompletedTask;
    }

    public Task<bool> CreateFileAsync(RegistryReference folder, string name, string localPath, CancellationToken cancellationToken) =>
        CopyInAsync(folder, name, localPath, overwrite: false, cancellationToken);

    /// <summary>
    /// Copies <paramref name="localPath"/> to a hidden temporary file beside the target, flushed, then renamed into place,
    /// so a reader never sees part of it. Without <paramref name="overwrite"/> a name that exists, or appears meanwhile,
    /// belongs to another writer and stays theirs (false).
    /// </summary>
    private static async Task<bool> CopyInAsync(RegistryReference folder, string name, string localPath, bool overwrite, CancellationToken cancellationToken)
    {
        var path = RemoteFileNames.LocalPath(folder.LocalPath, RemoteFileNames.Check(folder.Display, name));
        if (!overwrite && File.Exists(path))
        {
            return false;
        }

        Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        var temp = Path.Combine(Path.GetDirectoryName(path)!, $".{Path.GetFileName(path)}.{Guid.NewGuid():N}.tmp");
        try
        {
            await using (var input = File.OpenRead(localPath))
            await using (var output = new FileStream(temp, FileMode.CreateNew, FileAccess.Write))
            {
                await input.CopyToAsync(output, cancellationToken);
                output.Flush(flushToDisk: true);
            }

            File.Move(temp, path, overwrite);
            return true;
        }
        catch (IOException) when (!overwrite && File.Exists(path))
        {
            return false;
        }
        finally
        {
            File.Delete(temp);
        }
    }

    public Task<TaggedText?> ReadTaggedTextAsync(RegistryReference folder, string name, CancellationToken cancellationToken) =>
        Task.FromResult(ReadIfExists(RemoteFileNames.LocalPath(folder.LocalPath, RemoteFileNames.Check(folder.Display, name))) is { } text
            ? new TaggedText(text, TagOf(text))
            : null);

    /// <summary>
    /// The tag is the text's hash. A folder has no compare-and-swap, so two writers that check within the same instant
    /// can still both write; the window is the time between this check and the rename.
    /// </summary>
    public Task<bool> ReplaceTextAsync(RegistryReference folder, string name, string text, string? expectedTag, CancellationToken cancellationToken)
    {
        var path = RemoteFileNames.LocalPath(folder.LocalPath, RemoteFileNames.Check(folder.Display, name));
        var current = ReadIfExists(path);
        if ((current is null) != (expectedTag is null) || (current is not null && TagOf(current) != expectedTag))
        {
            return Task.FromResult(false);
        }

        Directory.CreateDirectory(folder.LocalPath);
        AtomicFile.WriteAllText(path, text);
        return Task.FromResult(true);
    }

    private static string TagOf(string text) =>
        Convert.ToHexStringLower(System.Security.Cryptography.SHA256.HashData(System.Text.Encoding.UTF8.GetBytes(text)));

    private static string? ReadIfExists(string path) => File.Exists(path) ? BoundedFile.ReadAllText(path, BoundedFile.ConfigLimit, "registry manifest") : null;
}
