using ModelGate.Testing.Registries;

namespace ModelGate.Registries.Azure.Tests;

/// <summary>One Azurite for a test class: started once, stopped after its last test.</summary>
public sealed class AzuriteFixture : IAsyncLifetime
{
    public AzuriteServer Server { get; private set; } = null!;

    public async Task InitializeAsync() => Server = await AzuriteServer.StartNewAsync();

    public async Task DisposeAsync() => await Server.DisposeAsync();
}
