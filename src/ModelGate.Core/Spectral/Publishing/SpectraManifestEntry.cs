namespace ModelGate.Core.Spectral.Publishing;

/// <summary>One published entry: the matrix it is the spectrum of, how U and V are stored, its size and its data checksum (also in the entry's own header).</summary>
public sealed record SpectraManifestEntry(long Rows, long Cols, string Precision, long Bytes, string Checksum);
