namespace ModelGate.Core.Spectral;

/// <summary>ΔW = B·A in the analysed (out × in) orientation, scales folded into B; row-major float32.</summary>
public sealed record LowRankFactors(float[] B, float[] A, int Rank);
