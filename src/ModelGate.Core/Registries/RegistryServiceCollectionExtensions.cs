using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using ModelGate.Core.Registries.Datasets;
using ModelGate.Core.Registries.Local;

namespace ModelGate.Core.Registries;

public static class RegistryServiceCollectionExtensions
{
    /// <summary>The resolver and the local-folder registry; remote registries register themselves from their assemblies.</summary>
    public static IServiceCollection AddRegistries(this IServiceCollection services)
    {
        services.AddOptions<RegistrySettings>();
        services.TryAddSingleton(TimeProvider.System);
        services.TryAddSingleton(new RegistryEnvironment());
        services.AddSingleton<RegistryCatalog>();
        services.AddSingleton<RegistryResolver>();
        services.AddSingleton<DatasetSplitResolver>();

        services.AddRegistry<FileRegistry>("file");
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
