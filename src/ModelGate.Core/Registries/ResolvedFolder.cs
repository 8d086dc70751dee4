namespace ModelGate.Core.Registries;

/// <summary>A reference made into a local folder that the rest of ModelGate reads as if the user had given it.</summary>
/// <param name="Path">The local folder; for a reference that names one file or folder of a version (<see cref="IRegistry.EntryOf"/>), that file or folder in it.</param>
/// <param name="Display">The reference as given, secrets redacted (for reports).</param>
/// <param name="Pinned">The immutable version it resolved to (a Hub commit, an Azure ETag set); the folder itself for a local path.</param>
/// <param name="Statistics">What it cost (nothing when it was cached).</param>
public sealed record ResolvedFolder(string Path, string Display, string Pinned, DownloadStatistics Statistics);
