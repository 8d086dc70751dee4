namespace ModelGate.Core.Registries;

/// <summary>
/// A registry that kept failing after every retry (down, throttling, timing out). Not the user's input and not a bug:
/// front ends print the one-line message (which names the URI, never a secret) and exit 3.
/// </summary>
public sealed class RegistryUnavailableException(string message, Exception? inner = null) : Exception(message, inner);
