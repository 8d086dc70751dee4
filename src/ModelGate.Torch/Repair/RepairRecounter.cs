using System.Globalization;
using ModelGate.Core;
using ModelGate.Core.Gating;
using ModelGate.Core.Repair;
using ModelGate.Core.Spectral;

namespace ModelGate.Torch.Repair;

/// <summary>The gate's recount after repair: the adapter repaired at each λ into a scratch folder by <see cref="AdapterMitigator"/> and analysed.</summary>
public sealed class RepairRecounter(AdapterMitigator mitigator) : IRepairRecounter
{
    public async Task<IReadOnlyList<IntruderReport>> RecountAsync(string baseFolder, string adapterFolder, IReadOnlyList<double> lambdas, AnalysisSettings settings,
        string device, IProgress<WorkProgress>? progress, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(lambdas);
        var work = Directory.CreateTempSubdirectory("modelgate-recount-");
        try
        {
            var reports = new List<IntruderReport>();
            for (var i = 0; i < lambdas.Count; i++)
            {
                var result = await mitigator.MitigateAsync(baseFolder, adapterFolder, Path.Combine(work.FullName, i.ToString(CultureInfo.InvariantCulture)),
                    new MitigationSettings { Lambda = lambdas[i], Analysis = settings }, device, progress, cancellationToken);
                reports.Add(result.After!);
            }

            return reports;
        }
        finally
        {
            work.Delete(recursive: true);
        }
    }
}
