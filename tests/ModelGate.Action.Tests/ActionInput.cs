namespace ModelGate.Action.Tests;

internal sealed record ActionInput(bool Required, string? Default, string Description);
