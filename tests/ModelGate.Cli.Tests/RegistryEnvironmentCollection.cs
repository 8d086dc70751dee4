namespace ModelGate.Cli.Tests;

/// <summary>
/// Tests that point the tool at a registry through process environment variables (HF_ENDPOINT, HF_TOKEN,
/// AZURE_STORAGE_CONNECTION_STRING), as a user would: they run alone, so no other test sees those variables.
/// </summary>
[CollectionDefinition(Name, DisableParallelization = true)]
public sealed class RegistryEnvironmentCollection
{
    public const string Name = "registry environment";
}
