using ModelGate.Core.Spectral.Cache;

namespace ModelGate.Torch.Spectral.Cache;

/// <summary>
/// The warm analysis of one matrix from its base spectrum stored at <paramref name="Precision"/> and read back:
/// the entry's size on disk, the intruders counted, and the largest |Δ max-cosine| against the float32 full SVD over
/// the top-k tuned vectors.
/// </summary>
public sealed record StoredSpectrumResult(SpectrumPrecision Precision, long Bytes, int Intruders, double MaxCosineDifference);
