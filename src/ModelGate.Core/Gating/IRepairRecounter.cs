using ModelGate.Core.Spectral;

namespace ModelGate.Core.Gating;

/// <summary>
/// Recounts an adapter's intruders after the exact repair at several λ (implemented with the SVDs in ModelGate.Torch);
/// the gate reads it through this interface when asked which repair would pass. Nothing is kept on disk.
/// </summary>
public interface IRepairRecounter
{
    /// <summary>The intruder analysis of the adapter repaired at each of <paramref name="lambdas"/>, in that order.</summary>
    Task<IReadOnlyList<IntruderReport>> RecountAsync(string baseFolder, string adapterFolder, IReadOnlyList<double> lambdas, AnalysisSettings settings,
        string device, IProgress<WorkProgress>? progress, CancellationToken cancellationToken);
}
