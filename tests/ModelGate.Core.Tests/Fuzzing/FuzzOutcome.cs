namespace ModelGate.Core.Tests.Fuzzing;

/// <summary>
/// What one input did. <see cref="Signature"/> is the coverage proxy: the user error's message with the file path,
/// quoted text and numbers taken out, so inputs that reach a new check (not merely a new value) count as new.
/// </summary>
internal sealed record FuzzOutcome(FuzzVerdict Verdict, string Signature, string Detail);
