using Microsoft.Extensions.DependencyInjection;

namespace ModelGate.Core.Promotion;

public static class PromotionServiceCollectionExtensions
{
    /// <summary>The promoter <c>gate --promote</c> copies a released adapter and its reports with (over the registries).</summary>
    public static IServiceCollection AddPromotion(this IServiceCollection services)
    {
        services.AddSingleton<ReleasePromoter>();
        return services;
    }
}
