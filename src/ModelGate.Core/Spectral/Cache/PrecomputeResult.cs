namespace ModelGate.Core.Spectral.Cache;

/// <summary>
/// What <c>SpectrumPrecompute.Run</c> did: how many spectra it computed and how many the cache already had,
/// and every matrix it covered (what <c>precompute --publish</c> uploads).
/// </summary>
public sealed record PrecomputeResult(int Computed, int AlreadyCached, IReadOnlyList<PrecomputedSpectrum> Spectra)
{
    public int Total => Computed + AlreadyCached;
}
