using ModelGate.Core.Registries;
using ModelGate.Core.Spectral;

namespace ModelGate.Core.Lineage;

/// <summary>
/// Counts intruders across a chain of releases trained one after another (implemented with the SVDs in
/// ModelGate.Torch); the gate's lineage rule reads it through this interface, as it reads the analysis.
/// </summary>
public interface ILineageAnalyzer
{
    /// <summary>The lineage of <paramref name="adapterModels"/>, one per release in training order, on <paramref name="baseModel"/>.</summary>
    Task<LineageReport> AnalyzeAsync(ResolvedModel baseModel, IReadOnlyList<ResolvedModel> adapterModels, AnalysisSettings settings, string device,
        IProgress<WorkProgress>? progress, CancellationToken cancellationToken);
}
