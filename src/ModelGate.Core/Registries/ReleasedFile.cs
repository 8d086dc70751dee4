namespace ModelGate.Core.Registries;

/// <summary>One file of a release, as its marker records it.</summary>
public sealed record ReleasedFile(string Path, long Size, string Sha256);
