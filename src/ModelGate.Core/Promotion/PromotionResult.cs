namespace ModelGate.Core.Promotion;

/// <summary>Whether a release was written, where, and why not when it was not.</summary>
public sealed record PromotionResult(bool Promoted, string Location, string Message);
