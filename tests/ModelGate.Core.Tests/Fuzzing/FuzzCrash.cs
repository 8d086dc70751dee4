namespace ModelGate.Core.Tests.Fuzzing;

/// <summary>A crash the fuzzer found: the outcome, the mutation round it came from, and where its (minimized) input was written.</summary>
internal sealed record FuzzCrash(FuzzOutcome Outcome, int Iteration, string SavedInput);
