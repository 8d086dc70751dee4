namespace ModelGate.Core.Spectral.Publishing;

/// <summary>A base tensor's published spectrum: its entry key, and its shape and layout as analysed.</summary>
public sealed record SpectraManifestTensor(string Key, long Rows, long Cols, string Layout);
