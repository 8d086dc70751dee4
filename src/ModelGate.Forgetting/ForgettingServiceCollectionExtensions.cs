using Microsoft.Extensions.DependencyInjection;
using ModelGate.Core.Gating;
using ModelGate.Forgetting.Metrics;
using ModelGate.Forgetting.Models;

namespace ModelGate.Forgetting;

public static class ForgettingServiceCollectionExtensions
{
    /// <summary>Language models, the forgetting evaluator, and the gate's forgetting probe.</summary>
    public static IServiceCollection AddModelGateForgetting(this IServiceCollection services)
    {
        services.AddSingleton<LanguageModelLoader>();
        services.AddSingleton<ForgettingEvaluator>();
        services.AddSingleton<IForgettingProbe, ForgettingProbe>();
        return services;
    }
}
