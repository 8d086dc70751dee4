namespace ModelGate.Core.Registries;

/// <summary>Where the downloads of one reference stand; front ends draw it (a bar on a terminal, lines otherwise).</summary>
/// <param name="Reference">The reference being fetched, as shown.</param>
/// <param name="CurrentFile">The file that last moved.</param>
/// <param name="BytesDone">Bytes of all files that are in the cache now (downloaded or already there).</param>
/// <param name="BytesTotal">Bytes of all files.</param>
/// <param name="FilesDone">Files finished.</param>
/// <param name="FilesTotal">Files in the version.</param>
public sealed record RegistryProgress(string Reference, string CurrentFile, long BytesDone, long BytesTotal, int FilesDone, int FilesTotal);
