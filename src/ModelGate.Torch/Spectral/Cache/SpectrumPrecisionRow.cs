namespace ModelGate.Torch.Spectral.Cache;

/// <summary>One matrix through the float32 full SVD (the reference) and through the cache at each stored precision.</summary>
public sealed record SpectrumPrecisionRow(string Name, long Rows, long Cols, int ReferenceIntruders, IReadOnlyList<StoredSpectrumResult> Stored, TimeSpan Elapsed)
{
    /// <summary>The largest |Δ max-cosine| a stored precision may show and still stand in for float32.</summary>
    public const double Tolerance = 1e-3;

    /// <summary>Whether <paramref name="result"/> counts what the reference counts, with every max-cosine within <see cref="Tolerance"/>.</summary>
    public bool Passes(StoredSpectrumResult result)
    {
        ArgumentNullException.ThrowIfNull(result);
        return result.Intruders == ReferenceIntruders && result.MaxCosineDifference <= Tolerance;
    }
}
