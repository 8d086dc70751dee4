using Microsoft.Extensions.DependencyInjection;
using ModelGate.Core.Registries;

namespace ModelGate.Registries.Hub;

public static class HubRegistryServiceCollectionExtensions
{
    /// <summary>Hugging Face-style hubs for hf:// URIs (read-only; HF_ENDPOINT and HF_TOKEN honoured).</summary>
    public static IServiceCollection AddHubRegistry(this IServiceCollection services) =>
        services.AddRegistry<HubRegistry>("hf");
}
