namespace ModelGate.Action.Tests;

internal sealed record ActionStep(string? Id, string? Name, string? Uses, string? Shell, string? Run, IReadOnlyDictionary<string, string> Env, IReadOnlyDictionary<string, string> With);
