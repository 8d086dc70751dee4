namespace ModelGate.Core.Registries;

/// <summary>One version under a registry location, as <c>registry ls</c> shows it.</summary>
/// <param name="Name">The version's name (a sub-folder or prefix such as v7, a branch or tag).</param>
/// <param name="Uri">The reference that resolves to it (secrets redacted).</param>
/// <param name="Pinned">The immutable id where the registry has one (a Hub commit); null otherwise.</param>
/// <param name="Release">The recorded release marker; null when the version was never promoted (or only partly).</param>
public sealed record RegistryVersion(string Name, string Uri, string? Pinned, ReleaseMarker? Release);
