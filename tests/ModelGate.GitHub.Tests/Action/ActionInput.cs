namespace ModelGate.GitHub.Tests.Action;

internal sealed record ActionInput(bool Required, string? Default, string Description);
