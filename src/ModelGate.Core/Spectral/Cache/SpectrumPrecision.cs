namespace ModelGate.Core.Spectral.Cache;

/// <summary>
/// How a cached spectrum's singular vectors (U and V) are stored on disk; the singular values are always float32.
/// The analysis always works in float32; F16 and BF16 halve the disk a cache takes, at about 1e-3 (F16) or 1e-2
/// (BF16) relative accuracy of the singular vectors.
/// </summary>
public enum SpectrumPrecision
{
    F32,
    F16,
    BF16,
}
