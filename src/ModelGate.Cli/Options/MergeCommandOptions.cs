using System.CommandLine;
using Microsoft.Extensions.Hosting;
using ModelGate.Core.Adapters;
using ModelGate.Core.Errors;

namespace ModelGate.Cli.Options;

/// <summary>What <c>merge</c> was asked, bound and checked in one place before any work.</summary>
public sealed record MergeCommandOptions
{
    public static readonly Option<string> Output = new("--output", "-o") { Description = "Folder to write the merged model to.", Required = true };
    public static readonly Option<string?> DType = new("--dtype") { Description = "float32, float16 or bfloat16 for the written weights (default: the base's)." };
    public static readonly Option<bool> Force = new("--force") { Description = "Replace a non-empty --output folder once the merge has succeeded." };

    public required string Base { get; init; }
    public required IReadOnlyList<string> Adapters { get; init; }
    public required string OutputFolder { get; init; }
    public required MergeSettings Settings { get; init; }
    public required string Device { get; init; }

    public static MergeCommandOptions Bind(ParseResult parse, IHost host)
    {
        var adapters = parse.GetValue(SharedOptions.Adapters) ?? [];
        if (adapters.Length == 0)
        {
            throw new UserInputException("merge: give at least one --adapter");
        }

        return new MergeCommandOptions
        {
            Base = parse.GetValue(SharedOptions.Base)!,
            Adapters = adapters,
            OutputFolder = parse.GetValue(Output)!,
            Settings = new MergeSettings
            {
                DType = parse.GetValue(DType) is { } d ? MergeSettings.ParseDType(d) : null,
                Force = parse.GetValue(Force),
            },
            Device = SharedOptions.Device(parse, host),
        };
    }
}
