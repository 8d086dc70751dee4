using System.Security.Cryptography;
using ModelGate.Core.Errors;
using ModelGate.Core.Registries;

namespace ModelGate.Core.Promotion;

/// <summary>
/// Writes one release into a registry version: its files first, each uploaded create-only, then
/// <see cref="ReleaseMarker.FileName"/> last, listing every file with its SHA-256. A write cut short leaves no marker,
/// so no reader takes a half-written release for whole; writing the same files again completes it (a file already
/// there with the same bytes is kept, not uploaded again). A version that already has a marker is refused, or with
/// <c>replace</c> first withdrawn (its marker overwritten by a note that is no marker) and then rewritten. Promotion
/// and merge both write releases through this one class.
/// </summary>
public sealed class ReleaseWriter
{
    private readonly IRegistry registry;
    private readonly bool replace;
    private readonly InputField field;
    private readonly List<ReleasedFile> files = [];

    private ReleaseWriter(IRegistry registry, RegistryReference version, bool replace, InputField field)
    {
        this.registry = registry;
        this.replace = replace;
        this.field = field;
        Version = version;
    }

    /// <summary>The release's location.</summary>
    public RegistryReference Version { get; }

    /// <summary>The files written so far (uploaded or found already there), in order.</summary>
    public IReadOnlyList<ReleasedFile> Files => files;

    /// <summary>Files this writer uploaded (not those it found already there with the same bytes).</summary>
    public int UploadedFiles { get; private set; }

    /// <summary>Bytes this writer uploaded.</summary>
    public long UploadedBytes { get; private set; }

    /// <summary>Files found already there with the same bytes (left by a write that was cut short), so not uploaded.</summary>
    public int KeptFiles { get; private set; }

    /// <summary>
    /// Refuses <paramref name="version"/> when it already holds a finished release, unless <paramref name="replace"/>:
    /// called before any long work, so that work does not end in a refused upload. Nothing is written.
    /// </summary>
    public static async Task CheckAsync(IRegistry registry, RegistryReference version, bool replace, InputField field, CancellationToken cancellationToken)
    {
        if (!replace && await ReadMarkerAsync(registry, version, cancellationToken) is { } existing)
        {
            throw AlreadyReleased(version, existing, field);
        }
    }

    /// <summary>
    /// Starts a release at <paramref name="version"/>: refused (<see cref="UserInputException"/> for
    /// <paramref name="field"/>) when it is already released, unless <paramref name="replace"/>, which withdraws it.
    /// </summary>
    public static async Task<ReleaseWriter> OpenAsync(IRegistry registry, RegistryReference version, bool replace, InputField field, CancellationToken cancellationToken)
    {
        if (await ReadMarkerAsync(registry, version, cancellationToken) is { } existing)
        {
            if (!replace)
            {
                throw AlreadyReleased(version, existing, field);
            }

            // Readers must not take the old marker for the files that are about to change under it.
            await registry.WriteTextAsync(version, ReleaseMarker.FileName, WithdrawnNote, NoLabels, cancellationToken);
        }

        return new ReleaseWriter(registry, version, replace, field);
    }

    /// <summary>
    /// Uploads <paramref name="localPath"/> as <paramref name="name"/>, create-only. A file already there with the same
    /// bytes is kept; one with other bytes is refused, or overwritten when the writer replaces.
    /// </summary>
    public async Task AddFileAsync(string name, string localPath, CancellationToken cancellationToken)
    {
        var size = new FileInfo(localPath).Length;
        var sha = await Sha256Async(localPath, cancellationToken);
        if (await registry.CreateFileAsync(Version, name, localPath, cancellationToken))
        {
            Uploaded(size);
        }
        else if (await SameBytesAsync(name, size, sha, cancellationToken))
        {
            KeptFiles++;
        }
        else if (replace)
        {
            await registry.WriteFileAsync(Version, name, localPath, cancellationToken);
            Uploaded(size);
        }
        else
        {
            throw new UserInputException(field, $"{Version.Display}: holds an unfinished release whose {name} has other bytes; replace it, or choose another location");
        }

        files.Add(new ReleasedFile(name, size, sha));
    }

    /// <summary>Writes a small text file of the release (a verdict, a report); it replaces one a cut-short write left.</summary>
    public async Task AddTextAsync(string name, string text, CancellationToken cancellationToken)
    {
        var bytes = new System.Text.UTF8Encoding(false).GetBytes(text);
        await registry.WriteTextAsync(Version, name, text, NoLabels, cancellationToken);
        Uploaded(bytes.Length);
        files.Add(new ReleasedFile(name, bytes.Length, Convert.ToHexStringLower(SHA256.HashData(bytes))));
    }

    /// <summary>Writes the marker, last: from here on the version is a release. <paramref name="describe"/> gets <see cref="Files"/>.</summary>
    public async Task<ReleaseMarker> CompleteAsync(Func<IReadOnlyList<ReleasedFile>, ReleaseMarker> describe, IReadOnlyDictionary<string, string> labels, CancellationToken cancellationToken)
    {
        var marker = describe(files);
        await registry.WriteTextAsync(Version, ReleaseMarker.FileName, marker.ToJson(), labels, cancellationToken);
        return marker;
    }

    private static readonly IReadOnlyDictionary<string, string> NoLabels = new Dictionary<string, string>();

    /// <summary>What a withdrawn marker holds: JSON that <see cref="ReleaseMarker.TryParse"/> reads as no marker.</summary>
    private const string WithdrawnNote = """{ "kind": "modelgate.release-withdrawn", "reason": "being replaced; the new release's marker is written when it is complete" }""";

    private void Uploaded(long size)
    {
        UploadedFiles++;
        UploadedBytes += size;
    }

    private static async Task<ReleaseMarker?> ReadMarkerAsync(IRegistry registry, RegistryReference version, CancellationToken cancellationToken) =>
        ReleaseMarker.TryParse(await registry.ReadTextAsync(version, ReleaseMarker.FileName, cancellationToken));

    private static UserInputException AlreadyReleased(RegistryReference version, ReleaseMarker existing, InputField field) =>
        new(field, $"{version.Display}: already released ({existing.Verdict ?? "not gated"}, {existing.ReleasedAt:u}); releases are immutable, choose another version");

    /// <summary>Whether the file already at <paramref name="name"/> has these bytes: read back and hashed, never stored locally.</summary>
    private async Task<bool> SameBytesAsync(string name, long size, string sha256, CancellationToken cancellationToken)
    {
        var resolved = await registry.ResolveAsync(Version, cancellationToken);
        var file = resolved.Files.FirstOrDefault(f => f.Path == name) ?? new RemoteFile(name, -1, null, null, null, null, name);
        if (file.Size >= 0 && file.Size != size)
        {
            return false;
        }

        await using var read = await registry.OpenReadAsync(resolved, file, 0, null, cancellationToken);
        return Convert.ToHexStringLower(await SHA256.HashDataAsync(read.Content, cancellationToken)) == sha256;
    }

    private static async Task<string> Sha256Async(string path, CancellationToken cancellationToken)
    {
        await using var stream = File.OpenRead(path);
        return Convert.ToHexStringLower(await SHA256.HashDataAsync(stream, cancellationToken));
    }
}
