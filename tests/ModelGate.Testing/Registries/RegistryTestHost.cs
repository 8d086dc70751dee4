using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using ModelGate.Core.Registries.Datasets;
using ModelGate.Core.Promotion;
using ModelGate.Core.Registries;

namespace ModelGate.Testing.Registries;

/// <summary>
/// The registries as the tool wires them, with their own environment (so tests against different servers run side
/// by side), a cache folder of the test's own, and retries fast enough for tests. Core's registries and promotion are
/// always there; the constructor's <c>extra</c> adds the remote registries a test needs (each lives in its own assembly,
/// which this torch-free, SDK-free helper does not reference) and any test plug-ins.
/// </summary>
public sealed class RegistryTestHost : IDisposable
{
    private readonly ServiceProvider services;

    public RegistryTestHost(IReadOnlyDictionary<string, string> environment, Action<IServiceCollection>? extra = null, int maxRetries = 4, TimeSpan? timeout = null, TimeSpan? maxRetryDelay = null)
    {
        var collection = new ServiceCollection();
        collection.AddSingleton(typeof(ILogger<>), typeof(NullLogger<>));
        collection.AddSingleton(new RegistryEnvironment(name => environment.GetValueOrDefault(name)));
        collection.AddRegistries();
        collection.AddPromotion();
        collection.Configure<RegistrySettings>(s =>
        {
            s.MaxRetries = maxRetries;
            s.RetryDelay = TimeSpan.FromMilliseconds(20);
            s.MaxRetryDelay = maxRetryDelay ?? TimeSpan.FromMilliseconds(200);
            s.Timeout = timeout ?? TimeSpan.FromSeconds(10);
        });
        extra?.Invoke(collection);
        services = collection.BuildServiceProvider();
    }

    public RegistryResolver Resolver => services.GetRequiredService<RegistryResolver>();

    public DatasetSplitResolver DatasetSplits => services.GetRequiredService<DatasetSplitResolver>();

    public ReleasePromoter Promoter => services.GetRequiredService<ReleasePromoter>();

    public RegistryCatalog Catalog => services.GetRequiredService<RegistryCatalog>();

    public void Dispose() => services.Dispose();
}
