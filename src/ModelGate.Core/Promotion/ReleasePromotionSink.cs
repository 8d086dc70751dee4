using ModelGate.Core.Gating;
using ModelGate.Core.Registries;
using ModelGate.Core.Reporting;

namespace ModelGate.Core.Promotion;

/// <summary>
/// <c>gate --promote</c> as a report sink: once the gate has decided, and only when it allowed the release, the
/// adapter goes to <paramref name="destination"/>/<paramref name="version"/> with the verdict JSON and the Markdown
/// report beside it (<see cref="ReleasePromoter"/>). The release is the last adapter gated, as the run resolved it.
/// It runs after the file sinks, so a failed upload never hides the local reports.
/// </summary>
/// <param name="promoter">Copies the adapter and its reports to the release location, marker last.</param>
/// <param name="destination">The registry folder of the releases, as a registry URI.</param>
/// <param name="version">The release's version; its folder under <paramref name="destination"/>.</param>
/// <param name="template">Renders the Markdown report uploaded beside the adapter.</param>
/// <param name="modelCard">The model card the gate wrote (<see cref="Reporting.ModelCards.ModelCardSink"/> runs before): released as the adapter's README.md; null to release the adapter's own.</param>
public sealed class ReleasePromotionSink(ReleasePromoter promoter, string destination, string version, GateReportTemplate template, string? modelCard = null) : IReportSink
{
    /// <summary>What happened; null until the gate has run.</summary>
    public PromotionResult? Result { get; private set; }

    public string Description => Result?.Message ?? $"release to {RegistryReference.Parse(destination).Display}/{version}";

    public async Task WriteAsync(GateResult result, CancellationToken cancellationToken)
    {
        var release = result.Run.Adapters[^1];
        Result = await promoter.PromoteAsync(new PromotionRequest(
            destination,
            release.LocalPath,
            release.Display,
            release.PinnedRevision,
            result.Run.BaseModel.Display,
            version,
            result.Verdict.Allowed,
            GateWords.Of(result.Verdict.Status),
            result.Verdict.TotalIntruders,
            GateVerdictJson.Serialize(result),
            template.Render(result))
        {
            ModelCard = modelCard is not null && File.Exists(modelCard) ? await File.ReadAllTextAsync(modelCard, cancellationToken) : null,
        }, cancellationToken);
    }
}
