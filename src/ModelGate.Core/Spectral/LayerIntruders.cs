namespace ModelGate.Core.Spectral;

/// <summary>Intruders summed over the analysed modules of one transformer block.</summary>
public sealed record LayerIntruders(int? Layer, int Modules, int Intruders);
