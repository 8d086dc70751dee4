using System.CommandLine;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using ModelGate.Cli.Hosting;
using ModelGate.Cli.Options;
using ModelGate.Cli.Rendering;
using ModelGate.Core.IO;
using ModelGate.Core.Spectral.Cache;
using ModelGate.Torch.Spectral.Cache;

namespace ModelGate.Cli.Commands;

/// <summary><c>cache list</c> and <c>cache prune</c>: what the spectrum cache holds, and making it smaller.</summary>
public static class CacheCommand
{
    public static Command Create(CliContext context)
    {
        var list = new Command("list", "List the cached base spectra, most recently used first.");
        list.SetAction((parse, ct) => context.RunAsync(parse, host =>
        {
            var cache = Open(parse, host, SpectrumPrecision.F32);
            CacheTable.Write(cache.List(), cache.Root, context.Out, context.OutIsTerminal);
            return ExitCodes.Ok;
        }, ct));

        var prune = new Command("prune", "Remove cached spectra by age, by total size (least recently used first), or all.")
        {
            CachePruneCommandOptions.OlderThanOption, CachePruneCommandOptions.MaxSizeOption, CachePruneCommandOptions.AllOption,
        };
        prune.SetAction((parse, ct) => context.RunAsync(parse, host =>
        {
            var options = CachePruneCommandOptions.Bind(parse);
            var cache = Open(parse, host, SpectrumPrecision.F32);
            var result = cache.Prune(options.OlderThan, options.MaxSize);
            context.Out.WriteLine(
                $"removed {result.Removed} entries ({HumanQuantities.FormatSize(result.BytesFreed)}); kept {result.Kept} ({HumanQuantities.FormatSize(result.BytesKept)}) in {cache.Root}");
            return ExitCodes.Ok;
        }, ct));

        return new Command("cache", "Look after the cache of base-model spectra that precompute fills.") { list, prune };
    }

    /// <summary>The cache at --cache, else the settings (MODELGATE_CACHE, the settings file's Cache), else the default folder.</summary>
    internal static SpectrumCache Open(ParseResult parse, IHost host, SpectrumPrecision precision)
    {
        var root = CacheRoot.Resolve(CommonOptions.CacheFolder(parse, host));
        return new SpectrumCache(root, precision, host.Services.GetRequiredService<ILogger<SpectrumCache>>());
    }
}
