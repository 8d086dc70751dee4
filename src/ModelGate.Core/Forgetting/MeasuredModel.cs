namespace ModelGate.Core.Forgetting;

/// <summary>A model a forgetting report measured, as the gate that takes the report compares it.</summary>
/// <param name="Model">The reference as given (secrets redacted).</param>
/// <param name="Sha256">Its weight files' <see cref="Gating.ModelFingerprint.Sha256"/>.</param>
/// <param name="Revision">The immutable version a registry resolved it to; null for a plain folder.</param>
public sealed record MeasuredModel(string Model, string Sha256, string? Revision);
