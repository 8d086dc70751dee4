using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using ModelGate.Core.Registries;
using ModelGate.Core.Spectral.Publishing;

namespace ModelGate.Torch.Spectral.Publishing;

/// <summary>Opens a published spectra location named by <c>--spectra</c> (any writable registry scheme; not hf://).</summary>
public sealed class PublishedSpectraSource(SpectraManifestReader manifests, IOptions<RegistrySettings> options, TimeProvider time, ILogger<PublishedSpectra> logger)
{
    /// <summary>Reads the manifest; a location with none yet is empty (every spectrum is then computed), with a warning.</summary>
    public async Task<PublishedSpectra> OpenAsync(string location, CancellationToken cancellationToken)
    {
        var (registry, reference, manifest) = await manifests.ReadAsync(location, cancellationToken);
        if (manifest is null)
        {
            logger.LogWarning("{Location}: no {Manifest}; nothing is published there yet (precompute publishes them), so base spectra are computed", reference.Display, SpectraManifest.FileName);
        }

        return new PublishedSpectra(registry, reference, manifest ?? new SpectraManifest(), options.Value, time, logger);
    }
}
