using Microsoft.Extensions.DependencyInjection;
using ModelGate.Core.Adapters;
using ModelGate.Core.Gating;
using ModelGate.Core.Lineage;
using ModelGate.Core.Registries;
using ModelGate.Core.Spectral;

namespace ModelGate.Core;

/// <summary>The one registration every front end calls; front ends add only their console or logger.</summary>
public static class ServiceCollectionExtensions
{
    public static IServiceCollection AddModelGateCore(this IServiceCollection services)
    {
        services.AddSingleton<IntruderAnalyzer>();
        services.AddSingleton<Spectral.Publishing.PublishedSpectraSource>();
        services.AddSingleton<Spectral.Publishing.SpectrumPublisher>();
        services.AddSingleton<ModelMerger>();
        services.AddSingleton<Repair.AdapterMitigator>();
        services.AddSingleton<LineageAnalyzer>();
        services.AddSingleton<Forgetting.Models.LanguageModelLoader>();
        services.AddSingleton<Forgetting.Metrics.ForgettingEvaluator>();
        services.AddSingleton<IForgettingProbe, Forgetting.ForgettingProbe>();
        services.AddGating();
        services.AddRegistries();
        return services;
    }
}
