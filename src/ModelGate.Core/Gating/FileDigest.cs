namespace ModelGate.Core.Gating;

/// <summary>A weight file's SHA-256, so a report says exactly which bytes were gated.</summary>
public sealed record FileDigest(string File, long Bytes, string Sha256);
