using System.CommandLine;
using Microsoft.Extensions.Hosting;
using ModelGate.Cli.Rendering;
using ModelGate.Core.Errors;
using ModelGate.Core.Spectral;

namespace ModelGate.Cli.Options;

/// <summary>What <c>analyze</c> was asked, bound and checked in one place before any work.</summary>
public sealed record AnalyzeCommandOptions
{
    public required string Base { get; init; }
    public required IReadOnlyList<string> Adapters { get; init; }
    public string? Tuned { get; init; }
    public required AnalysisSettings Analysis { get; init; }
    public required string Device { get; init; }
    public ReportFormat Format { get; init; }
    public string? Output { get; init; }

    public static AnalyzeCommandOptions Bind(ParseResult parse, IHost host)
    {
        var options = new AnalyzeCommandOptions
        {
            Base = parse.GetValue(SharedOptions.Base)!,
            Adapters = parse.GetValue(SharedOptions.Adapters) ?? [],
            Tuned = parse.GetValue(SharedOptions.Tuned),
            Analysis = SharedOptions.Analysis(parse, host),
            Device = SharedOptions.Device(parse, host),
            Format = parse.GetValue(SharedOptions.Format),
            Output = parse.GetValue(SharedOptions.Output),
        };
        if (options.Adapters.Count == 0 == (options.Tuned is null))
        {
            throw new UserInputException("analyze: give either --adapter (one or more) or --tuned, not both and not neither");
        }

        return options;
    }
}
