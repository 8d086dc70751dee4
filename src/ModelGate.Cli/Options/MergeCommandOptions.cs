using System.CommandLine;
using Microsoft.Extensions.Hosting;
using ModelGate.Core.Adapters;
using ModelGate.Core.Errors;
using ModelGate.Core.Registries;
using ModelGate.Torch.Merging;

namespace ModelGate.Cli.Options;

/// <summary>What <c>merge</c> was asked, bound and checked in one place before any work.</summary>
public sealed record MergeCommandOptions
{
    public static readonly Option<string> Output = new("--output", "-o") { Description = "Folder, or registry location (az://, https blob URL, file://), to write the merged model to.", Required = true };
    public static readonly Option<string?> DType = new("--dtype") { Description = "float32, float16 or bfloat16 for the written weights (default: the base's)." };
    public static readonly Option<bool> Force = new("--force") { Description = "Replace a non-empty --output folder once the merge has succeeded, or a release already at a registry --output." };

    public required string Base { get; init; }
    public required IReadOnlyList<string> Adapters { get; init; }
    public required string OutputFolder { get; init; }

    /// <summary>The registry location the merged model is released to; null when --output is a plain folder.</summary>
    public required RegistryReference? OutputRelease { get; init; }
    public required MergeSettings Settings { get; init; }
    public required string Device { get; init; }

    public static MergeCommandOptions Bind(ParseResult parse, IHost host)
    {
        var adapters = parse.GetValue(SharedOptions.Adapters) ?? [];
        if (adapters.Length == 0)
        {
            throw new UserInputException("merge: give at least one --adapter");
        }

        var output = parse.GetValue(Output)!;
        // Refused before any work: hf:// cannot be written.
        var location = MergedModelPublisher.Location(output, InputField.Output);
        return new MergeCommandOptions
        {
            Base = parse.GetValue(SharedOptions.Base)!,
            Adapters = adapters,
            OutputFolder = output,
            OutputRelease = location.Uri is null ? null : location,
            Settings = new MergeSettings
            {
                DType = parse.GetValue(DType) is { } d ? MergeSettings.ParseDType(d) : null,
                Force = parse.GetValue(Force),
            },
            Device = SharedOptions.Device(parse, host),
        };
    }
}
