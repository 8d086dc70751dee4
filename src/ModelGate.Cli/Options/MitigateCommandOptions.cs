using System.CommandLine;
using Microsoft.Extensions.Hosting;
using ModelGate.Core.Errors;
using ModelGate.Core.Repair;

namespace ModelGate.Cli.Options;

/// <summary>What <c>mitigate</c> was asked, bound and checked in one place before any work.</summary>
public sealed record MitigateCommandOptions
{
    public static readonly Option<string?> Output = new("--output", "-o") { Description = "Folder for the repaired adapter (required unless --dry-run)." };
    public static readonly Option<double> Lambda = new("--lambda") { Description = "Scale for each intruder's singular value: 0 removes it, 1 keeps it.", DefaultValueFactory = _ => 0.5 };
    public static readonly Option<string[]> ModuleLambda = new("--module-lambda") { Description = "REGEX=λ for matching modules (repeatable; first match wins)." };
    public static readonly Option<int> MinIntruders = new("--min-intruders") { Description = "Only modules with at least this many intruders.", DefaultValueFactory = _ => 1 };
    public static readonly Option<bool> DryRun = new("--dry-run") { Description = "Show what would change; write nothing." };
    public static readonly Option<bool> Force = new("--force") { Description = "Replace a non-empty --output folder once the new adapter is complete." };

    public required string Base { get; init; }

    /// <summary>The one adapter to repair.</summary>
    public required string Adapter { get; init; }

    public string? OutputFolder { get; init; }
    public required MitigationSettings Settings { get; init; }
    public required string Device { get; init; }

    public static MitigateCommandOptions Bind(ParseResult parse, IHost host)
    {
        if (parse.GetValue(SharedOptions.Adapters) is not [var adapter])
        {
            throw new UserInputException("mitigate: give the one --adapter to repair");
        }

        return new MitigateCommandOptions
        {
            Base = parse.GetValue(SharedOptions.Base)!,
            Adapter = adapter,
            OutputFolder = parse.GetValue(Output),
            Settings = new MitigationSettings
            {
                Lambda = parse.GetValue(Lambda),
                ModuleLambdas = parse.GetValue(ModuleLambda) ?? [],
                MinIntruders = parse.GetValue(MinIntruders),
                DryRun = parse.GetValue(DryRun),
                Force = parse.GetValue(Force),
                Analysis = SharedOptions.Analysis(parse, host),
            },
            Device = SharedOptions.Device(parse, host),
        };
    }
}
