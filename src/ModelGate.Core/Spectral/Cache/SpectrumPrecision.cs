namespace ModelGate.Core.Spectral.Cache;

/// <summary>
/// How a cached spectrum's singular vectors (U and V) are stored on disk; the singular values are always float32.
/// The analysis always works in float32; F16 and BF16 halve the disk a cache takes. Published spectra default to F16,
/// chosen by measurement (<c>bench --precision</c>, docs/benchmarks.md): on every distinct matrix shape of
/// Llama-3.2-1B, Qwen2.5-0.5B and Llama-3.1-8B with an r = 16 update with planted intruders, both F16 and BF16 entries
/// give the float32 full SVD's intruder counts with every max-cosine within 1e-3, and F16 does so with about ten
/// times BF16's margin (its 10 mantissa bits against 7, for vector entries that never exceed 1 in magnitude) at the
/// same size.
/// </summary>
public enum SpectrumPrecision
{
    F32,
    F16,
    BF16,
}
