using ModelGate.Core.Errors;
using ModelGate.Core.Registries;

namespace ModelGate.Core.Spectral.Publishing;

/// <summary>Finds and reads the manifest of a published spectra location (<c>--spectra</c>, <c>--publish</c>).</summary>
public sealed class SpectraManifestReader(RegistryCatalog catalog)
{
    /// <summary>A spectra location from an option; hf:// is refused because the Hub is read-only here.</summary>
    public static RegistryReference Location(string value, InputField field)
    {
        var location = RegistryReference.Parse(value);
        if (location.Scheme == "hf")
        {
            throw new UserInputException(field, $"{location.Display}: hf:// is read-only here; publish spectra to az://, an https blob URL, file:// or a folder, and read them from there");
        }

        return location;
    }

    /// <summary>The registry holding <paramref name="location"/>, and its manifest; null when nothing is published there yet.</summary>
    public async Task<(IRegistry Registry, RegistryReference Location, SpectraManifest? Manifest)> ReadAsync(string location, CancellationToken cancellationToken)
    {
        var reference = Location(location, InputField.Spectra);
        var registry = catalog.For(reference);
        var text = await registry.ReadTextAsync(reference, SpectraManifest.FileName, cancellationToken);
        return (registry, reference, text is null ? null : SpectraManifest.Parse(text, reference.Display));
    }
}
