namespace ModelGate.Core.Promotion;

/// <summary>What the gate hands the promoter once it has decided.</summary>
/// <param name="Destination">The release location (e.g. az://models/released/support-bot); the release goes under it as <paramref name="Version"/>.</param>
/// <param name="AdapterFolder">The local folder of the gated adapter (resolved).</param>
/// <param name="Adapter">The adapter as the user gave it (secrets redacted).</param>
/// <param name="AdapterVersion">The immutable version it resolved to, if any.</param>
/// <param name="Base">The base model as given (secrets redacted).</param>
/// <param name="Version">The release's version name (a folder or prefix: v7).</param>
/// <param name="Allowed">Whether the gate allowed the release (exit code 0); nothing is written otherwise.</param>
/// <param name="Verdict">pass | warn | fail, recorded on the release.</param>
/// <param name="TotalIntruders">Recorded on the release.</param>
/// <param name="VerdictJson">The verdict JSON, written beside the adapter as verdict.json.</param>
/// <param name="ReportMarkdown">The Markdown report, written as report.md when given.</param>
public sealed record PromotionRequest(
    string Destination,
    string AdapterFolder,
    string Adapter,
    string? AdapterVersion,
    string? Base,
    string Version,
    bool Allowed,
    string Verdict,
    int TotalIntruders,
    string VerdictJson,
    string? ReportMarkdown)
{
    /// <summary>The model card written for this release: it replaces the adapter's README.md in the release when given.</summary>
    public string? ModelCard { get; init; }
}
