using ModelGate.Core.IO;
using ModelGate.Core.Registries.Promotion;

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

    public Task<RemoteRead> OpenReadAsync(ResolvedVersion version, RemoteFile file, long offset, CancellationToken cancellationToken)
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

    public async Task WriteFolderAsync(RegistryReference destination, string localFolder, CancellationToken cancellationToken)
    {
        var target = destination.LocalPath;
        Directory.CreateDirectory(target);
        foreach (var source in Directory.EnumerateFiles(localFolder, "*", SearchOption.AllDirectories))
        {
            var relative = Path.GetRelativePath(localFolder, source).Replace(Path.DirectorySeparatorChar, '/');
            var path = RemoteFileNames.LocalPath(target, RemoteFileNames.Check(destination.Display, relative));
            Directory.CreateDirectory(Path.GetDirectoryName(path)!);
            var temp = Path.Combine(Path.GetDirectoryName(path)!, $".{Path.GetFileName(path)}.{Guid.NewGuid():N}.tmp");
            try
            {
                await using (var input = File.OpenRead(source))
                await using (var output = new FileStream(temp, FileMode.CreateNew, FileAccess.Write))
                {
                    await input.CopyToAsync(output, cancellationToken);
                    output.Flush(flushToDisk: true);
                }

                File.Move(temp, path, overwrite: true);
            }
            finally
            {
                File.Delete(temp);
            }
        }
    }

    public Task<string?> ReadTextAsync(RegistryReference folder, string name, CancellationToken cancellationToken) =>
        Task.FromResult(ReadIfExists(RemoteFileNames.LocalPath(folder.LocalPath, RemoteFileNames.Check(folder.Display, name))));

    public Task WriteTextAsync(RegistryReference folder, string name, string text, IReadOnlyDictionary<string, string> labels, CancellationToken cancellationToken)
    {
        Directory.CreateDirectory(folder.LocalPath);
        AtomicFile.WriteAllText(RemoteFileNames.LocalPath(folder.LocalPath, RemoteFileNames.Check(folder.Display, name)), text);
        return Task.CompletedTask;
    }

    private static string? ReadIfExists(string path) => File.Exists(path) ? BoundedFile.ReadAllText(path, BoundedFile.ConfigLimit, "registry manifest") : null;
}
