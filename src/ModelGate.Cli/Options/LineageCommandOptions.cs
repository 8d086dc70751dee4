using System.CommandLine;
using Microsoft.Extensions.Hosting;
using ModelGate.Cli.Rendering;
using ModelGate.Core.Spectral;

namespace ModelGate.Cli.Options;

/// <summary>What <c>lineage</c> was asked, bound in one place before any work.</summary>
public sealed record LineageCommandOptions
{
    public required string Base { get; init; }

    /// <summary>One adapter per release, in training order.</summary>
    public required IReadOnlyList<string> Adapters { get; init; }

    public required AnalysisSettings Analysis { get; init; }
    public required string Device { get; init; }
    public ReportFormat Format { get; init; }
    public string? Output { get; init; }

    public static LineageCommandOptions Bind(ParseResult parse, IHost host) => new()
    {
        Base = parse.GetValue(SharedOptions.Base)!,
        Adapters = parse.GetValue(SharedOptions.Adapters) ?? [],
        Analysis = SharedOptions.Analysis(parse, host),
        Device = SharedOptions.Device(parse, host),
        Format = parse.GetValue(SharedOptions.Format),
        Output = parse.GetValue(SharedOptions.Output),
    };
}
