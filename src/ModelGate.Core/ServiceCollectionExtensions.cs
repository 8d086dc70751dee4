using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using ModelGate.Core.Calibration;
using ModelGate.Core.Gating;
using ModelGate.Core.Promotion;
using ModelGate.Core.Registries;
using ModelGate.Core.Reporting;
using ModelGate.Core.Spectral.Publishing;

namespace ModelGate.Core;

/// <summary>
/// Core's registration: the gate, calibration, its report sinks, the registry resolver with the local-folder registry, promotion, and the reader of published spectra manifests. The
/// capabilities with heavier dependencies register themselves from their own assemblies (AddModelGateTorch,
/// AddModelGateForgetting, AddAzureBlobRegistry, AddHubRegistry); a front end adds the ones it offers.
/// </summary>
public static class ServiceCollectionExtensions
{
    public static IServiceCollection AddModelGateCore(this IServiceCollection services)
    {
        services.AddGating();
        services.AddCalibration();
        services.AddReporting();
        services.AddRegistries();
        services.AddPromotion();
        services.TryAddSingleton<SpectraManifestReader>();
        return services;
    }
}
