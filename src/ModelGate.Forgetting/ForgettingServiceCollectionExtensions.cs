using Microsoft.Extensions.DependencyInjection;
using ModelGate.Core.Gating;
using ModelGate.Forgetting.Metrics;
using ModelGate.Forgetting.Models;
using ModelGate.Forgetting.Repair;

namespace ModelGate.Forgetting;

public static class ForgettingServiceCollectionExtensions
{
    /// <summary>Language models, the forgetting evaluator, the gate's forgetting probe, and the repair sweep.</summary>
    public static IServiceCollection AddModelGateForgetting(this IServiceCollection services)
    {
        services.AddSingleton<LanguageModelLoader>();
        services.AddSingleton<ForgettingEvaluator>();
        services.AddSingleton<IForgettingProbe, ForgettingProbe>();
        services.AddSingleton<RepairSweeper>();
        return services;
    }
}
