using System.CommandLine;
using Microsoft.Extensions.Hosting;
using ModelGate.Cli.Hosting;
using ModelGate.Core.Forgetting;

namespace ModelGate.Cli.Options;

/// <summary>What <c>forgetting-bench</c> was asked, bound in one place.</summary>
public sealed record ForgettingBenchCommandOptions
{
    public static readonly Option<int> RandomDocumentCount = new("--documents") { Description = "Random-token documents when no --corpus is given (default 24).", DefaultValueFactory = _ => 24 };

    /// <summary>The model to run.</summary>
    public required string Base { get; init; }

    public string? Corpus { get; init; }
    public int RandomDocuments { get; init; }
    public int? MaxLength { get; init; }
    public int? Stride { get; init; }
    public int BatchSize { get; init; }
    public required string DType { get; init; }
    public required string Device { get; init; }

    public static ForgettingBenchCommandOptions Bind(ParseResult parse, IHost host) => new()
    {
        Base = parse.GetValue(SharedOptions.Base)!,
        Corpus = parse.GetValue(SharedOptions.Corpus),
        RandomDocuments = parse.GetValue(RandomDocumentCount),
        MaxLength = parse.GetValue(ForgettingCommandOptions.MaxLength),
        Stride = parse.GetValue(ForgettingCommandOptions.Stride),
        BatchSize = CliHost.Setting(parse, host, ForgettingCommandOptions.BatchSize, "BatchSize", ForgettingSettings.DefaultBatchSize),
        DType = parse.GetValue(ForgettingCommandOptions.DType)!,
        Device = SharedOptions.Device(parse, host),
    };
}
