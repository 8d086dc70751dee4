namespace ModelGate.Core.Spectral.Cache;

/// <summary>
/// One file of the cache as <c>SpectrumCache.List</c> sees it, from its header alone (the checksum is only
/// verified when the entry is read). An entry whose header cannot be read has Rows and Cols 0 and a
/// <see cref="Source"/> starting with "unreadable:"; it is still listed so that it can be seen and pruned.
/// </summary>
/// <param name="Path">The entry's file.</param>
/// <param name="Key">The content key the entry is stored under (its file name without the extension).</param>
/// <param name="Rows">Rows of the base matrix the spectrum is of; 0 when the header is unreadable.</param>
/// <param name="Cols">Columns of that matrix; 0 when the header is unreadable.</param>
/// <param name="Precision">The precision the singular vectors are stored in.</param>
/// <param name="Bytes">The file's size on disk.</param>
/// <param name="LastUsedUtc">The file's last-write time, which every hit refreshes: the order <c>SpectrumCache.Prune</c> evicts in.</param>
/// <param name="Source">Where the spectrum was computed from (model folder and tensor name), or why the header is unreadable.</param>
public sealed record SpectrumCacheEntry(
    string Path, string Key, long Rows, long Cols, SpectrumPrecision Precision, long Bytes, DateTime LastUsedUtc, string Source);
