namespace ModelGate.Core.Lineage;

/// <summary>Cumulative and new intruders summed over the analysed modules of one transformer block after one release.</summary>
public sealed record LineageLayer(int? Layer, int Cumulative, int New);
