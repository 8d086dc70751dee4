using ModelGate.Core.Registries;

namespace ModelGate.Core.Spectral;

/// <summary>
/// Counts intruder dimensions of adapters merged into a base. The gate needs only this; the implementation (SVDs in
/// libtorch) lives in ModelGate.Torch, so the gate, its policy and its reports stay free of native code.
/// </summary>
public interface IIntruderAnalyzer
{
    /// <summary>Base + adapters (merged in order) vs base, for every 2-D weight the adapters change; the report names each as resolved.</summary>
    Task<IntruderReport> AnalyzeAdaptersAsync(ResolvedModel baseModel, IReadOnlyList<ResolvedModel> adapterModels, AnalysisSettings settings,
        string device, IProgress<WorkProgress>? progress, CancellationToken cancellationToken);
}
