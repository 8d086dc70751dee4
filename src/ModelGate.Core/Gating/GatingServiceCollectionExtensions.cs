using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using ModelGate.Core.Reporting;

namespace ModelGate.Core.Gating;

/// <summary>The gate's services: the runner and the file report sinks' provider. An <see cref="IForgettingProbe"/> is registered by the forgetting capability, when present.</summary>
public static class GatingServiceCollectionExtensions
{
    public static IServiceCollection AddGating(this IServiceCollection services)
    {
        services.TryAddSingleton<GateRunner>();
        services.AddSingleton<IReportSinkProvider, FileReportSinkProvider>();
        return services;
    }
}
