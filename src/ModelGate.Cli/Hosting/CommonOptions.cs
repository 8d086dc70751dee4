using System.CommandLine;
using Microsoft.Extensions.Hosting;

namespace ModelGate.Cli.Hosting;

/// <summary>Options every verb takes.</summary>
public static class CommonOptions
{
    public static readonly Option<string?> Device = new("--device")
    {
        Description = "Where the linear algebra runs: auto (CUDA when available), cpu, cuda or cuda:N. Env MODELGATE_DEVICE.",
        Recursive = true,
    };

    public static readonly Option<bool> Verbose = new("--verbose", "-v")
    {
        Description = "Debug logging, and the stack trace of unexpected errors.",
        Recursive = true,
    };

    public static readonly Option<FileInfo?> Config = new("--config")
    {
        Description = "A JSON settings file (keys K, Epsilon, Device); default ./modelgate.json when present.",
        Recursive = true,
    };

    public static readonly Option<string?> Cache = new("--cache")
    {
        Description = "Cache folder for base spectra (analyze, precompute, cache). Env MODELGATE_CACHE; default $XDG_CACHE_HOME/modelgate or ~/.cache/modelgate.",
        Recursive = true,
    };

    /// <summary>--cache, else MODELGATE_CACHE or the settings file's Cache; null for the default folder.</summary>
    public static string? CacheFolder(ParseResult parse, IHost host) => CliHost.Setting<string?>(parse, host, Cache, "Cache", null);
}
