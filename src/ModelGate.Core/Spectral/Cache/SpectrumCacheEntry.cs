namespace ModelGate.Core.Spectral.Cache;

/// <summary>
/// One file of the cache as <see cref="SpectrumCache.List"/> sees it, from its header alone (the checksum is only
/// verified when the entry is read). An entry whose header cannot be read has Rows and Cols 0 and a
/// <see cref="Source"/> starting with "unreadable:"; it is still listed so that it can be seen and pruned.
/// </summary>
/// <param name="LastUsedUtc">The file's last-write time, which every hit refreshes: the order <see cref="SpectrumCache.Prune"/> evicts in.</param>
public sealed record SpectrumCacheEntry(
    string Path, string Key, long Rows, long Cols, SpectrumPrecision Precision, long Bytes, DateTime LastUsedUtc, string Source);
