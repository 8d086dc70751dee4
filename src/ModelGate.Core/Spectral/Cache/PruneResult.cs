namespace ModelGate.Core.Spectral.Cache;

/// <summary>What <c>SpectrumCache.Prune</c> removed and what it left.</summary>
public sealed record PruneResult(int Removed, long BytesFreed, int Kept, long BytesKept);
