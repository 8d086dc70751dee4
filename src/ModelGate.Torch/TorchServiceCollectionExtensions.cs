using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using ModelGate.Core.Gating;
using ModelGate.Core.Lineage;
using ModelGate.Core.Spectral;
using ModelGate.Core.Spectral.Publishing;
using ModelGate.Torch.Lineage;
using ModelGate.Torch.Merging;
using ModelGate.Torch.Repair;
using ModelGate.Torch.Spectral;
using ModelGate.Torch.Spectral.Publishing;

namespace ModelGate.Torch;

public static class TorchServiceCollectionExtensions
{
    /// <summary>What runs on libtorch: intruder analysis (and the gate's analyzer), spectra publishing, merge (to a folder or a registry), repair (and the gate's recount after repair), lineage (and the gate's lineage analyzer).</summary>
    public static IServiceCollection AddModelGateTorch(this IServiceCollection services)
    {
        services.AddSingleton<IntruderAnalyzer>();
        services.AddSingleton<IIntruderAnalyzer>(provider => provider.GetRequiredService<IntruderAnalyzer>());
        services.TryAddSingleton<SpectraManifestReader>();
        services.AddSingleton<PublishedSpectraSource>();
        services.AddSingleton<SpectrumPublisher>();
        services.AddSingleton<ModelMerger>();
        services.AddSingleton<MergedModelPublisher>();
        services.AddSingleton<AdapterMitigator>();
        services.AddSingleton<IRepairRecounter, RepairRecounter>();
        services.AddSingleton<LineageAnalyzer>();
        services.AddSingleton<ILineageAnalyzer>(provider => provider.GetRequiredService<LineageAnalyzer>());
        return services;
    }
}
