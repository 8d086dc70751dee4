namespace ModelGate.Core.Registries;

/// <summary>
/// Where registries read their credentials and endpoints (HF_TOKEN, HF_ENDPOINT, AZURE_STORAGE_CONNECTION_STRING,
/// AZURE_STORAGE_ACCOUNT): the process environment, or a fixed set in tests that run side by side.
/// </summary>
public sealed class RegistryEnvironment(Func<string, string?>? lookup = null)
{
    private readonly Func<string, string?> lookup = lookup ?? Environment.GetEnvironmentVariable;

    public string? Get(string name) => lookup(name) is { Length: > 0 } value ? value : null;
}
