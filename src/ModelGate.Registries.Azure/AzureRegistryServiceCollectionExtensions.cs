using Microsoft.Extensions.DependencyInjection;
using ModelGate.Core.Registries;

namespace ModelGate.Registries.Azure;

public static class AzureRegistryServiceCollectionExtensions
{
    /// <summary>Azure Blob Storage for az:// URIs and https blob URLs (SAS or signed-in identity).</summary>
    public static IServiceCollection AddAzureBlobRegistry(this IServiceCollection services) =>
        services.AddRegistry<AzureBlobRegistry>("az", "https", "http");
}
