using ModelGate.Core;
using ModelGate.Core.Adapters;
using ModelGate.Core.Errors;
using ModelGate.Core.Promotion;
using ModelGate.Core.Registries;

namespace ModelGate.Torch.Merging;

/// <summary>
/// A merge whose output is a registry location (az://, an https blob URL, file://): the model is written into a
/// temporary local folder one file at a time and each finished file (companion files, then each shard, then the index)
/// is uploaded create-only and deleted before the next shard grows, so local disk holds about one shard. The files and
/// then, last, the release marker go through <see cref="ReleaseWriter"/>, as a promotion's do: a merge cut short leaves
/// no marker, and the same merge run again keeps what was already uploaded and completes it.
/// </summary>
public sealed class MergedModelPublisher(ModelMerger merger, RegistryCatalog catalog, TimeProvider time)
{
    /// <summary>A merge output location from an option; hf:// is refused because the Hub is read-only here.</summary>
    public static RegistryReference Location(string value, InputField field)
    {
        var location = RegistryReference.Parse(value);
        if (location.Scheme == "hf")
        {
            throw new UserInputException(field, $"{location.Display}: hf:// is read-only here; write the merged model to az://, an https blob URL, file:// or a folder");
        }

        return location;
    }

    /// <summary>Refuses, before any work, a location that already holds a finished release, unless <paramref name="replace"/>.</summary>
    public Task CheckAsync(RegistryReference location, bool replace, CancellationToken cancellationToken) =>
        ReleaseWriter.CheckAsync(catalog.For(location), location, replace, InputField.Output, cancellationToken);

    public async Task<MergedModelPublication> PublishAsync(ResolvedModel baseModel, IReadOnlyList<ResolvedModel> adapters, RegistryReference location,
        MergeSettings settings, string device, IProgress<WorkProgress>? progress, CancellationToken cancellationToken)
    {
        var release = await ReleaseWriter.OpenAsync(catalog.For(location), location, settings.Force, InputField.Output, cancellationToken);
        var work = Directory.CreateTempSubdirectory("modelgate-merge-");
        try
        {
            var merged = await merger.MergeAsync(baseModel.LocalPath, [.. adapters.Select(a => a.LocalPath)], work.FullName, location.Display,
                async (file, ct) =>
                {
                    await release.AddFileAsync(Path.GetFileName(file), file, ct);
                    File.Delete(file);
                },
                settings, device, progress, cancellationToken);

            var versions = adapters.Select(a => a.PinnedRevision).ToArray();
            await release.CompleteAsync(files => new ReleaseMarker
            {
                Adapter = string.Join(" + ", adapters.Select(a => a.Display)),
                AdapterVersion = versions.Any(v => v is not null) ? string.Join(" + ", versions.Select(v => v ?? "-")) : null,
                Base = baseModel.PinnedRevision is { } pinned ? $"{baseModel.Display} ({pinned})" : baseModel.Display,
                ReleasedAt = time.GetUtcNow(),
                Tool = $"ModelGate {ToolVersion.Current}",
                Files = files,
            }, new Dictionary<string, string>(), cancellationToken);
            return new MergedModelPublication(merged, release.UploadedFiles, release.UploadedBytes, release.KeptFiles);
        }
        finally
        {
            work.Delete(recursive: true);
        }
    }
}
