using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;

namespace ModelGate.Core.Calibration;

/// <summary>Calibration's measuring runner; like the gate, it needs an analyzer (ModelGate.Torch) and a forgetting probe (ModelGate.Forgetting).</summary>
public static class CalibrationServiceCollectionExtensions
{
    public static IServiceCollection AddCalibration(this IServiceCollection services)
    {
        services.TryAddSingleton<CalibrationRunner>();
        return services;
    }
}
