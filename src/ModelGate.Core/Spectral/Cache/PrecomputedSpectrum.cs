using ModelGate.Core.Adapters;

namespace ModelGate.Core.Spectral.Cache;

/// <summary>One base matrix <c>SpectrumPrecompute.Run</c> made sure the cache holds: its name, key and analysed shape.</summary>
public sealed record PrecomputedSpectrum(string TensorName, SpectrumKey Key, long Rows, long Cols, MatrixLayout Layout);
