using Microsoft.Extensions.Logging;
using ModelGate.Core.Errors;
using ModelGate.Core.Registries;

namespace ModelGate.Core.Promotion;

/// <summary>
/// Copies a gated adapter to a release location, only when the gate allowed it: the adapter's files, then
/// verdict.json and report.md beside them, then <see cref="ReleaseMarker.FileName"/> last (with registry labels
/// such as <c>intruder-gate=pass</c>, <c>intruders=3</c>), through <see cref="ReleaseWriter"/>. A promotion cut
/// short leaves no marker, so readers never take a half-copied release; a version that already has a marker is
/// never overwritten (releases are immutable).
/// </summary>
public sealed class ReleasePromoter(RegistryCatalog catalog, TimeProvider time, ILogger<ReleasePromoter> logger)
{
    public const string VerdictFileName = "verdict.json";
    public const string ReportFileName = "report.md";
    public const string ModelCardFileName = "README.md";

    public async Task<PromotionResult> PromoteAsync(PromotionRequest request, CancellationToken cancellationToken)
    {
        var destination = RegistryReference.Parse(request.Destination);
        if (!request.Allowed)
        {
            return new PromotionResult(false, destination.Display, $"not promoted: the gate's verdict is {request.Verdict}");
        }

        if (!Directory.Exists(request.AdapterFolder))
        {
            throw new UserInputException(InputField.Adapter, $"{request.Adapter}: folder {request.AdapterFolder} not found");
        }

        var registry = catalog.For(destination);
        var version = registry.Child(destination, RemoteFileNames.Check("release version", request.Version));
        var release = await ReleaseWriter.OpenAsync(registry, version, replace: false, InputField.Promote, cancellationToken);

        logger.LogInformation("promoting {Adapter} to {Release}", request.Adapter, version.Display);
        foreach (var path in Directory.EnumerateFiles(request.AdapterFolder, "*", SearchOption.AllDirectories).Order(StringComparer.Ordinal))
        {
            var relative = RemoteFileNames.Check(version.Display, Path.GetRelativePath(request.AdapterFolder, path).Replace(Path.DirectorySeparatorChar, '/'));
            if (request.ModelCard is null || relative != ModelCardFileName)
            {
                await release.AddFileAsync(relative, path, cancellationToken);
            }
        }

        if (request.ModelCard is { } card)
        {
            await release.AddTextAsync(ModelCardFileName, card, cancellationToken);
        }

        await release.AddTextAsync(VerdictFileName, request.VerdictJson, cancellationToken);
        if (request.ReportMarkdown is { } report)
        {
            await release.AddTextAsync(ReportFileName, report, cancellationToken);
        }

        var labels = new Dictionary<string, string>
        {
            ["intruder-gate"] = request.Verdict,
            ["intruders"] = request.TotalIntruders.ToString(System.Globalization.CultureInfo.InvariantCulture),
        };
        await release.CompleteAsync(files => new ReleaseMarker
        {
            Verdict = request.Verdict,
            TotalIntruders = request.TotalIntruders,
            Adapter = request.Adapter,
            AdapterVersion = request.AdapterVersion,
            Base = request.Base,
            ReleasedAt = time.GetUtcNow(),
            Tool = $"ModelGate {ToolVersion.Current}",
            Files = files,
        }, labels, cancellationToken);
        return new PromotionResult(true, version.Display, $"released as {version.Display} ({request.Verdict}, {request.TotalIntruders} intruders)");
    }

    /// <summary>
    /// Checks, before any work, that <paramref name="destination"/> is a writable registry and that
    /// <paramref name="version"/> is not released there yet, so a long gate run does not end in a refused promotion.
    /// </summary>
    public async Task CheckAsync(string destination, string version, CancellationToken cancellationToken)
    {
        var reference = RegistryReference.Parse(destination);
        var registry = catalog.For(reference);
        var target = registry.Child(reference, RemoteFileNames.Check("release version", version));
        await ReleaseWriter.CheckAsync(registry, target, replace: false, InputField.Promote, cancellationToken);
    }

    /// <summary>
    /// The version name a release gets when none is given: the adapter reference's last path segment
    /// (az://models/adapters/support-bot/v7 → v7), the revision of a Hub reference, or a local folder's name.
    /// </summary>
    public static string DefaultVersion(string adapter)
    {
        var reference = RegistryReference.Parse(adapter);
        if (reference.Scheme == "hf" && adapter.LastIndexOf('@') is var at and > 0)
        {
            return adapter[(at + 1)..].Replace('/', '-');
        }

        var path = reference.Uri is null ? reference.Original : reference.Uri.AbsolutePath;
        var name = path.TrimEnd('/', '\\').Split('/', '\\').LastOrDefault(s => s.Length > 0);
        return string.IsNullOrEmpty(name) || name is "." or ".."
            ? Path.GetFileName(Path.GetFullPath(path).TrimEnd(Path.DirectorySeparatorChar))
            : Uri.UnescapeDataString(name);
    }
}
