using System.CommandLine;
using Microsoft.Extensions.Hosting;
using ModelGate.Cli.Hosting;
using ModelGate.Cli.Rendering;
using ModelGate.Core.Errors;
using ModelGate.Core.Forgetting;

namespace ModelGate.Cli.Options;

/// <summary>What <c>forgetting</c> (and, for its model and windows, <c>forgetting-bench</c>) was asked, bound in one place.</summary>
public sealed record ForgettingCommandOptions
{
    public static readonly Option<int?> MaxLength = new("--max-length") { Description = "Window length in tokens (default: the model's positions, at most 1024; 256 for masked LMs)." };
    public static readonly Option<int?> Stride = new("--stride") { Description = "Tokens between window starts (default half the window)." };
    public static readonly Option<int> BatchSize = new("--batch-size") { Description = $"Sequences per forward pass (default {ForgettingSettings.DefaultBatchSize}). Env MODELGATE_BATCHSIZE." };
    public static readonly Option<string> DType = new("--dtype") { Description = "float32 or bfloat16 (default float32).", DefaultValueFactory = _ => "float32" };
    public static readonly Option<int> Bootstrap = new("--bootstrap") { Description = "Paired-bootstrap resamples for the 95 % intervals (default 1000; 0: none).", DefaultValueFactory = _ => 1000 };
    public static readonly Option<int> Seed = new("--seed") { Description = "Bootstrap seed (default 1234).", DefaultValueFactory = _ => 1234 };
    public static readonly Option<int?> RowLimit = new("--limit") { Description = "Score only the first N rows of each task, as lm_eval --limit N does." };
    public static readonly Option<string> CorpusTextColumn = new("--text-column") { Description = "The column holding the text of a Parquet or JSON(L) --corpus (default text).", DefaultValueFactory = _ => "text" };
    public static readonly Option<bool> NoBos = new("--no-bos") { Description = "Do not put the BOS token before each document (its first token then goes unscored)." };

    public required string Base { get; init; }
    public required IReadOnlyList<string> Adapters { get; init; }
    public string? Corpus { get; init; }
    public IReadOnlyList<string> Tasks { get; init; } = [];
    public int? Limit { get; init; }
    public string TextColumn { get; init; } = "text";
    public required string Device { get; init; }
    /// <summary>float32 or bfloat16.</summary>
    public required string DTypeName { get; init; }
    public required ForgettingSettings Settings { get; init; }
    public ReportFormat Format { get; init; }
    public string? Output { get; init; }

    public static ForgettingCommandOptions Bind(ParseResult parse, IHost host) => new()
    {
        Base = parse.GetValue(SharedOptions.Base)!,
        Adapters = parse.GetValue(SharedOptions.Adapters) ?? [],
        Corpus = parse.GetValue(SharedOptions.Corpus),
        Tasks = SplitList(parse.GetValue(SharedOptions.Tasks)),
        Limit = parse.GetValue(RowLimit) is { } limit and < 1 ? throw new UserInputException($"--limit {limit}: must be at least 1") : parse.GetValue(RowLimit),
        TextColumn = parse.GetValue(CorpusTextColumn)!,
        Device = SharedOptions.Device(parse, host),
        DTypeName = parse.GetValue(DType)!,
        Settings = new ForgettingSettings
        {
            MaxLength = parse.GetValue(MaxLength),
            Stride = parse.GetValue(Stride),
            BatchSize = CliHost.Setting(parse, host, BatchSize, "BatchSize", ForgettingSettings.DefaultBatchSize),
            BootstrapSamples = parse.GetValue(Bootstrap),
            Seed = parse.GetValue(Seed),
            PrependBos = !parse.GetValue(NoBos),
        },
        Format = parse.GetValue(SharedOptions.Format),
        Output = parse.GetValue(SharedOptions.Output),
    };

    /// <summary>A comma-separated list (--tasks), blanks dropped.</summary>
    public static IReadOnlyList<string> SplitList(string? list) =>
        list?.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries) ?? [];
}
