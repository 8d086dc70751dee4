using System.CommandLine;
using Microsoft.Extensions.Hosting;
using ModelGate.Core.IO;

namespace ModelGate.Cli.Hosting;

/// <summary>
/// Starts a verb's output check (<see cref="OutputGuard"/>) with what every verb shares: the --config file it read and
/// the --cache it fills. The verb adds its own inputs and outputs and checks before any download or analysis.
/// </summary>
public static class RunPaths
{
    public static OutputGuard Guard(ParseResult parse, IHost host) => new OutputGuard()
        .Reads(parse.GetValue(CommonOptions.Config)?.FullName, "the --config settings file")
        .WritesCache(CommonOptions.CacheFolder(parse, host), "--cache");
}
