using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;

namespace ModelGate.Core.Gating;

/// <summary>
/// The gate's runner. It needs an <see cref="Spectral.IIntruderAnalyzer"/> (ModelGate.Torch registers one); an
/// <see cref="IForgettingProbe"/> is registered by the forgetting capability, when present, and the report sinks by Reporting.
/// </summary>
public static class GatingServiceCollectionExtensions
{
    public static IServiceCollection AddGating(this IServiceCollection services)
    {
        services.TryAddSingleton<GateRunner>();
        return services;
    }
}
