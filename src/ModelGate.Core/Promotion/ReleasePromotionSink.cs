using ModelGate.Core.Gating;
using ModelGate.Core.Registries;
using ModelGate.Core.Reporting;

namespace ModelGate.Core.Promotion;

/// <summary>
/// <c>gate --promote</c> as a report sink: once the gate has decided, and only when it allowed the release, the
/// adapter goes to <paramref name="destination"/>/<paramref name="version"/> with the verdict JSON and the Markdown
/// report beside it (<see cref="ReleasePromoter"/>). It runs after the file sinks, so a failed upload never hides
/// the local reports.
/// </summary>
/// <param name="promoter">Copies the adapter and its reports to the release location, marker last.</param>
/// <param name="destination">The registry folder of the releases (<c>--promote</c>), as a registry URI.</param>
/// <param name="version">The release's version; its folder under <paramref name="destination"/>.</param>
/// <param name="adapterFolder">The local folder of the adapter being released (the last --adapter: the new release).</param>
/// <param name="adapter">That adapter as the user gave it (secrets redacted).</param>
/// <param name="adapterPinned">The immutable version it resolved to.</param>
/// <param name="template">Renders the Markdown report uploaded beside the adapter.</param>
public sealed class ReleasePromotionSink(
    ReleasePromoter promoter, string destination, string version, string adapterFolder, string adapter, string? adapterPinned,
    GateReportTemplate template) : IReportSink
{
    /// <summary>What happened; null until the gate has run.</summary>
    public PromotionResult? Result { get; private set; }

    public string Description => Result?.Message ?? $"release to {RegistryReference.Parse(destination).Display}/{version}";

    public async Task WriteAsync(GateResult result, CancellationToken cancellationToken)
    {
        Result = await promoter.PromoteAsync(new PromotionRequest(
            destination,
            adapterFolder,
            adapter,
            adapterPinned,
            result.Run.BaseModel,
            version,
            result.Verdict.Allowed,
            GateWords.Of(result.Verdict.Status),
            result.Verdict.TotalIntruders,
            GateVerdictJson.Serialize(result),
            template.Render(result)), cancellationToken);
    }
}
