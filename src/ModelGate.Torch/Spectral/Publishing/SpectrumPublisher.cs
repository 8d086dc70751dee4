using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using ModelGate.Core;
using ModelGate.Core.Errors;
using ModelGate.Core.Registries;
using ModelGate.Core.Spectral.Cache;
using ModelGate.Core.Spectral.Publishing;
using ModelGate.Core.Tensors;
using ModelGate.Torch.Spectral.Cache;

namespace ModelGate.Torch.Spectral.Publishing;

/// <summary>
/// Puts a base's spectra next to it in a registry (<c>precompute --publish</c>), so that every later analysis on any
/// machine reads them instead of computing them. Entries are the local cache's files under the same content keys,
/// uploaded create-only (an entry already there is never replaced or sent again), and <c>manifest.json</c> is written
/// last, merged with what other publishers listed, by a write that fails if someone else wrote it in between.
/// A publisher killed at any point leaves only complete entries and a manifest that lists complete entries.
/// </summary>
public sealed class SpectrumPublisher(RegistryCatalog catalog, ILogger<SpectrumPublisher> logger)
{
    /// <summary>Concurrent publishers each retry the manifest write this many times before giving up.</summary>
    private const int ManifestAttempts = 10;

    /// <summary>
    /// Uploads the entries of <paramref name="spectra"/> not yet at <paramref name="destination"/>, then merges them, with
    /// <paramref name="scannedBaseFiles"/> (the base's weight files scanned and hashed by <see cref="ModelWeights.ScanAsync"/>,
    /// so that a gate streaming them skips its own scan), into its manifest.
    /// </summary>
    public async Task<PublishResult> PublishAsync(SpectrumCache cache, IReadOnlyList<PrecomputedSpectrum> spectra, IReadOnlyList<ShardIdentity> scannedBaseFiles, string destination, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(cache);
        ArgumentNullException.ThrowIfNull(spectra);
        ArgumentNullException.ThrowIfNull(scannedBaseFiles);
        var location = SpectraManifestReader.Location(destination, InputField.Publish);
        var registry = catalog.For(location);
        var existing = await registry.ReadTaggedTextAsync(location, SpectraManifest.FileName, cancellationToken);
        var published = existing is null ? new SpectraManifest() : SpectraManifest.Parse(existing.Text, location.Display);
        var ours = new SpectraManifest { ToolVersion = ToolVersion.Current };
        foreach (var file in scannedBaseFiles)
        {
            ours.BaseFiles[file.FileName] = SpectraManifestBaseFile.From(file);
        }

        int uploaded = 0, already = 0;
        long bytes = 0;
        using var scratch = new ConvertedEntries(cache.Precision);
        foreach (var group in spectra.GroupBy(s => s.Key.Hex, StringComparer.Ordinal))
        {
            cancellationToken.ThrowIfCancellationRequested();
            var first = group.First();
            var path = scratch.AtPrecision(cache.PathOf(first.Key), first);
            if (published.Entries.TryGetValue(first.Key.Hex, out var listed))
            {
                ours.Entries[first.Key.Hex] = listed;
                already++;
            }
            else
            {
                var entry = Describe(path, first);
                if (await registry.CreateFileAsync(location, first.Key.Hex + SpectrumCache.EntryExtension, path, cancellationToken))
                {
                    uploaded++;
                    bytes += entry.Bytes;
                    logger.LogDebug("{Location}: uploaded {Key} ({Tensor}, {Bytes} bytes)", location.Display, first.Key.Hex, first.TensorName, entry.Bytes);
                }
                else
                {
                    // Uploaded by an earlier run that stopped before its manifest, or by another publisher: same key, same matrix.
                    already++;
                }

                ours.Entries[first.Key.Hex] = entry;
            }

            foreach (var spectrum in group)
            {
                ours.Tensors[spectrum.TensorName] = new SpectraManifestTensor(spectrum.Key.Hex, spectrum.Rows, spectrum.Cols, spectrum.Layout.ToString());
            }
        }

        var unchanged = ours.Entries.All(e => published.Entries.ContainsKey(e.Key))
            && ours.Tensors.All(t => published.Tensors.TryGetValue(t.Key, out var was) && was == t.Value)
            && ours.BaseFiles.All(f => published.BaseFiles.TryGetValue(f.Key, out var was) && was == f.Value);
        if (!unchanged)
        {
            await WriteManifestAsync(registry, location, ours, cancellationToken);
        }

        return new PublishResult(uploaded, bytes, already, location.Display);
    }

    private async Task WriteManifestAsync(IRegistry registry, RegistryReference location, SpectraManifest ours, CancellationToken cancellationToken)
    {
        for (var attempt = 0; attempt < ManifestAttempts; attempt++)
        {
            var current = await registry.ReadTaggedTextAsync(location, SpectraManifest.FileName, cancellationToken);
            var merged = current is null ? ours : ours.MergedInto(SpectraManifest.Parse(current.Text, location.Display));
            if (await registry.ReplaceTextAsync(location, SpectraManifest.FileName, merged.ToJson(), current?.Tag, cancellationToken))
            {
                return;
            }

            logger.LogDebug("{Location}: another publisher wrote the manifest first; merging again", location.Display);
        }

        throw new RegistryUnavailableException($"{location.Display}: {SpectraManifest.FileName} kept changing under {ManifestAttempts} attempts to merge into it; publish again");
    }

    /// <summary>
    /// Entries stored in the cache in another precision than the one published (an F32 cache published as F16):
    /// converted into a temporary folder for the upload, which goes when the publish is done. The key stays: it names
    /// the base matrix, not the bytes of the entry.
    /// </summary>
    private sealed class ConvertedEntries(SpectrumPrecision precision) : IDisposable
    {
        private DirectoryInfo? folder;

        public string AtPrecision(string path, PrecomputedSpectrum spectrum)
        {
            if (!File.Exists(path))
            {
                return path;
            }

            string? source;
            using (var file = SafetensorsFile.Open(path))
            {
                if (file.Metadata.GetValueOrDefault("precision") == precision.ToString())
                {
                    return path;
                }

                source = file.Metadata.GetValueOrDefault("source");
            }

            folder ??= Directory.CreateTempSubdirectory("modelgate-publish-");
            var converted = new SpectrumCache(folder.FullName, precision, NullLogger<SpectrumCache>.Instance);
            converted.Put(spectrum.Key, SpectrumCache.Read(path, spectrum.Key), source ?? spectrum.TensorName);
            return converted.PathOf(spectrum.Key);
        }

        public void Dispose() => folder?.Delete(recursive: true);
    }

    /// <summary>What the manifest says of an entry, from the local file's header (the entry must be in the cache: precompute just made sure of it).</summary>
    private static SpectraManifestEntry Describe(string path, PrecomputedSpectrum spectrum)
    {
        if (!File.Exists(path))
        {
            throw new UserInputException($"{path}: the spectrum of {spectrum.TensorName} is not in the cache (it could not be stored there, see the warning above), so it cannot be published; choose a writable spectrum cache folder");
        }

        using var file = SafetensorsFile.Open(path);
        var metadata = file.Metadata;
        return new SpectraManifestEntry(spectrum.Rows, spectrum.Cols, metadata.GetValueOrDefault("precision", "?"), new FileInfo(path).Length, metadata.GetValueOrDefault("checksum", ""));
    }
}
