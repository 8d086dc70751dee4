using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using ModelGate.Core.Registries.Azure;
using ModelGate.Core.Registries.Hub;
using ModelGate.Core.Registries.Local;
using ModelGate.Core.Registries.Promotion;

namespace ModelGate.Core.Registries;

public static class RegistryServiceCollectionExtensions
{
    /// <summary>The registries, the resolver and the promoter. A new registry is one class and one line here.</summary>
    public static IServiceCollection AddRegistries(this IServiceCollection services)
    {
        services.AddOptions<RegistrySettings>();
        services.TryAddSingleton(TimeProvider.System);
        services.TryAddSingleton(new RegistryEnvironment());
        services.AddSingleton<RegistryCatalog>();
        services.AddSingleton<RegistryResolver>();
        services.AddSingleton<ReleasePromoter>();

        services.AddRegistry<FileRegistry>("file");
        services.AddRegistry<AzureBlobRegistry>("az", "https", "http");
        services.AddRegistry<HubRegistry>("hf");
        return services;
    }

    /// <summary>Registers <typeparamref name="TRegistry"/> for URIs with any of <paramref name="schemes"/>.</summary>
    public static IServiceCollection AddRegistry<TRegistry>(this IServiceCollection services, params string[] schemes)
        where TRegistry : class, IRegistry
    {
        services.TryAddSingleton<TRegistry>();
        foreach (var scheme in schemes)
        {
            services.AddSingleton(new RegistryRegistration(scheme, typeof(TRegistry)));
        }

        return services;
    }
}
