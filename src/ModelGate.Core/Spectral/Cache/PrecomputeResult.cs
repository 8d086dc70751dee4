namespace ModelGate.Core.Spectral.Cache;

/// <summary>What <see cref="SpectrumPrecompute.Run"/> did: how many spectra it computed and how many the cache already had.</summary>
public sealed record PrecomputeResult(int Computed, int AlreadyCached)
{
    public int Total => Computed + AlreadyCached;
}
