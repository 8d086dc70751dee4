using Microsoft.Extensions.DependencyInjection;
using ModelGate.Registries.Azure;
using ModelGate.Registries.Hub;
using ModelGate.Testing.Registries;

namespace ModelGate.Core.Tests.Registries;

/// <summary>
/// Every registry the tool registers (local folders, Azure Blob, the Hub), without credentials: Core's catalog and
/// promotion are tested across all of them, as the tool composes them.
/// </summary>
internal static class ToolRegistries
{
    public static RegistryTestHost Host(Action<IServiceCollection>? extra = null) =>
        new(new Dictionary<string, string>(), services =>
        {
            services.AddAzureBlobRegistry();
            services.AddHubRegistry();
            extra?.Invoke(services);
        });
}
