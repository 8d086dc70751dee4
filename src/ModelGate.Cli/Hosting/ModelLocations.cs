using System.CommandLine;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using ModelGate.Cli.Rendering;
using ModelGate.Core.Registries;

namespace ModelGate.Cli.Hosting;

/// <summary>
/// The one place verbs turn --base, --adapter and --tuned into local folders: a folder stays as it is; a registry
/// URI (az://, https://…blob…, hf://, file://) is resolved and fetched into the cache, with a progress bar on a
/// terminal. Every verb calls this, so every verb takes URIs the same way, and gets one value per model that names it
/// in reports as the user gave it.
/// </summary>
public static class ModelLocations
{
    /// <summary>A reference resolved once: its local folder, how reports name it, and the registry version it pinned.</summary>
    public static async Task<ResolvedModel> ResolveAsync(CliContext context, ParseResult parse, IHost host, string reference, CancellationToken cancellationToken)
    {
        var parsed = RegistryReference.Parse(reference);
        if (parsed.Uri is null)
        {
            return ResolvedModel.Folder(reference);
        }

        var resolver = host.Services.GetRequiredService<RegistryResolver>();
        var cache = CommonOptions.CacheFolder(parse, host);
        return Model(await DownloadProgress.RunAsync(context.Error, context.ErrorIsTerminal, parsed.Display,
            progress => resolver.ResolveAsync(reference, cache, progress, cancellationToken)));
    }

    public static async Task<ResolvedModel[]> ResolveAllAsync(CliContext context, ParseResult parse, IHost host, IEnumerable<string> references, CancellationToken cancellationToken)
    {
        var models = new List<ResolvedModel>();
        foreach (var reference in references)
        {
            models.Add(await ResolveAsync(context, parse, host, reference, cancellationToken));
        }

        return [.. models];
    }

    /// <summary>
    /// The --base of an analysing verb. With published spectra (<paramref name="spectra"/>) a registry base is streamed:
    /// only its config and shard index are fetched now, and the tensors the analysis uses later, by range; without,
    /// it is mirrored like any reference, so that later runs read it from the cache, unless it would fill the cache's
    /// disk (<see cref="RegistrySettings.StreamAboveShareOfFreeDisk"/>), when it is streamed too. A verb that loads the
    /// whole model (a gate that measures forgetting) passes <paramref name="everyWeight"/>: the base is then mirrored.
    /// </summary>
    public static async Task<ResolvedModel> ResolveBaseAsync(CliContext context, ParseResult parse, IHost host, string reference, string? spectra, bool everyWeight, CancellationToken cancellationToken)
    {
        if (everyWeight || RegistryReference.Parse(reference).Uri is null)
        {
            return await ResolveAsync(context, parse, host, reference, cancellationToken);
        }

        var resolver = host.Services.GetRequiredService<RegistryResolver>();
        var cache = CommonOptions.CacheFolder(parse, host);
        return Model(await DownloadProgress.RunAsync(context.Error, context.ErrorIsTerminal, RegistryReference.Parse(reference).Display,
            progress => resolver.ResolveBaseAsync(reference, cache, stream: spectra is not null, progress, cancellationToken)));
    }

    /// <summary>The local path of a folder or file:// reference; null for a registry URI, whose copy is the cache's.</summary>
    public static string? LocalPath(string? reference) =>
        reference is null || RegistryReference.Parse(reference) is not { IsLocalPath: true } local ? null : local.LocalPath;

    /// <summary>The local paths among <paramref name="references"/>.</summary>
    public static IEnumerable<string> LocalPaths(IEnumerable<string> references) =>
        references.Select(LocalPath).OfType<string>();

    // A folder a registry resolves to itself (file://) has no version of its own to pin.
    private static ResolvedModel Model(ResolvedFolder folder) =>
        new(folder.Path, folder.Display, folder.Pinned == folder.Path ? null : folder.Pinned);
}
