using System.CommandLine;
using System.CommandLine.Parsing;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using ModelGate.Cli.Hosting;
using ModelGate.Cli.Rendering;
using ModelGate.Core.Errors;
using ModelGate.Core.IO;
using ModelGate.Core.Spectral.Cache;
using ModelGate.Torch.Spectral.Cache;

namespace ModelGate.Cli.Commands;

/// <summary><c>cache list</c> and <c>cache prune</c>: what the spectrum cache holds, and making it smaller.</summary>
public static class CacheCommand
{
    private static readonly Option<TimeSpan?> OlderThan = new("--older-than")
    {
        Description = "Remove entries not used for this long: e.g. 30d, 12h, 90m, 2w.",
        CustomParser = result => Parse<TimeSpan>(result, "--older-than", "an age such as 30d, 12h or 90m", HumanQuantities.TryParseAge),
    };

    private static readonly Option<long?> MaxSize = new("--max-size")
    {
        Description = "Remove the least recently used entries until the cache is at most this size: e.g. 20GB, 500MB, 4GiB.",
        CustomParser = result => Parse<long>(result, "--max-size", "a size such as 20GB, 500MB or 4GiB", HumanQuantities.TryParseSize),
    };

    private static readonly Option<bool> All = new("--all") { Description = "Remove every entry." };

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
            OlderThan, MaxSize, All,
        };
        prune.SetAction((parse, ct) => context.RunAsync(parse, host =>
        {
            var olderThan = parse.GetValue(OlderThan);
            var maxSize = parse.GetValue(MaxSize);
            var all = parse.GetValue(All);
            if (all == (olderThan is not null || maxSize is not null))
            {
                // Pruning everything by default would make a forgotten option expensive.
                throw new UserInputException("cache prune: give --older-than and/or --max-size, or --all (not both)");
            }

            var cache = Open(parse, host, SpectrumPrecision.F32);
            var result = cache.Prune(olderThan, maxSize);
            context.Out.WriteLine(
                $"removed {result.Removed} entries ({HumanQuantities.FormatSize(result.BytesFreed)}); kept {result.Kept} ({HumanQuantities.FormatSize(result.BytesKept)}) in {cache.Root}");
            return ExitCodes.Ok;
        }, ct));

        return new Command("cache", "Look after the cache of base-model spectra that precompute fills.") { list, prune };
    }

    /// <summary>The cache at --cache, else the settings (MODELGATE_CACHE, the settings file's Cache), else the default folder.</summary>
    internal static SpectrumCache Open(ParseResult parse, IHost host, SpectrumPrecision precision)
    {
        var root = CacheRoot.Resolve(CliHost.Setting<string?>(parse, host, CommonOptions.Cache, "Cache", null));
        return new SpectrumCache(root, precision, host.Services.GetRequiredService<ILogger<SpectrumCache>>());
    }

    private delegate bool TryParser<T>(string? text, out T value);

    private static T? Parse<T>(ArgumentResult result, string option, string expected, TryParser<T> tryParse) where T : struct
    {
        var text = result.Tokens.Count == 1 ? result.Tokens[0].Value : "";
        if (tryParse(text, out var value))
        {
            return value;
        }

        result.AddError($"{option} '{text}' is not {expected}");
        return null;
    }
}
