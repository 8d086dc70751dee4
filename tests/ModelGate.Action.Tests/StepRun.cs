namespace ModelGate.Action.Tests;

internal sealed record StepRun(ActionStep Step, bool Skipped, int ExitCode, string Out, string Error, IReadOnlyDictionary<string, string> Outputs);
