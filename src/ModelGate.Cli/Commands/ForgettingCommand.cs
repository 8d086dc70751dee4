using System.CommandLine;
using Microsoft.Extensions.DependencyInjection;
using ModelGate.Cli.Hosting;
using ModelGate.Cli.Rendering;
using ModelGate.Core.Forgetting;
using ModelGate.Core.IO;
using ModelGate.Core.Reporting;
using ModelGate.Forgetting.Metrics;

namespace ModelGate.Cli.Commands;

/// <summary>
/// <c>forgetting</c>: the base model against the base with the adapters merged in memory, on a held-out corpus
/// (perplexity or pseudo-perplexity) and multiple-choice tasks (acc, acc_norm), deltas with paired-bootstrap intervals.
/// </summary>
public static class ForgettingCommand
{
    private static readonly Option<string> Base = new("--base") { Description = "Base model folder (config.json, safetensors, tokenizer files).", Required = true };
    private static readonly Option<string[]> Adapters = new("--adapter") { Description = "PEFT adapter folder; repeat to merge several in order." };
    internal static readonly Option<string?> Corpus = new("--corpus") { Description = "Held-out text: .txt (paragraphs are documents), .jsonl ({\"text\": ...} per line) or a folder of them." };
    internal static readonly Option<string?> Tasks = new("--tasks") { Description = "Comma-separated multiple-choice JSONL files ({\"context\", \"choices\", \"label\"} per line)." };
    internal static readonly Option<int?> MaxLength = new("--max-length") { Description = "Window length in tokens (default: the model's positions, at most 1024; 256 for masked LMs)." };
    internal static readonly Option<int?> Stride = new("--stride") { Description = "Tokens between window starts (default half the window)." };
    internal static readonly Option<int> BatchSize = new("--batch-size") { Description = "Sequences per forward pass (default 8). Env MODELGATE_BATCHSIZE." };
    internal static readonly Option<string> DType = new("--dtype") { Description = "float32 or bfloat16 (default float32).", DefaultValueFactory = _ => "float32" };
    internal static readonly Option<int> Bootstrap = new("--bootstrap") { Description = "Paired-bootstrap resamples for the 95 % intervals (default 1000; 0: none).", DefaultValueFactory = _ => 1000 };
    internal static readonly Option<int> Seed = new("--seed") { Description = "Bootstrap seed (default 1234).", DefaultValueFactory = _ => 1234 };
    internal static readonly Option<bool> NoBos = new("--no-bos") { Description = "Do not put the BOS token before each document (its first token then goes unscored)." };
    private static readonly Option<ReportFormat> Format = new("--format") { Description = "table, json or markdown.", DefaultValueFactory = _ => ReportFormat.Table };
    private static readonly Option<string?> Output = new("--output", "-o") { Description = "Write the report to this file (atomically) instead of stdout." };

    public static Command Create(CliContext context)
    {
        var command = new Command("forgetting", "Measure forgetting: base vs merged perplexity / pseudo-perplexity and task accuracy, with intervals.")
        {
            Base, Adapters, Corpus, Tasks, MaxLength, Stride, BatchSize, DType, Bootstrap, Seed, NoBos, Format, Output,
        };
        command.SetAction((parse, ct) => context.RunAsync(parse, async host =>
        {
            RunPaths.Guard(parse, host)
                .Reads(parse.GetValue(Base), "the --base model folder")
                .Reads(parse.GetValue(Adapters) ?? [], "the --adapter folder")
                .Reads(parse.GetValue(Corpus), "the --corpus")
                .Reads(SplitList(parse.GetValue(Tasks)), "the --tasks file")
                .WritesFile(parse.GetValue(Output), "--output")
                .Check();
            var request = new ForgettingRequest
            {
                BaseModel = parse.GetValue(Base)!,
                Adapters = parse.GetValue(Adapters) ?? [],
                Corpus = parse.GetValue(Corpus),
                Tasks = SplitList(parse.GetValue(Tasks)),
                Device = CliHost.Setting<string?>(parse, host, CommonOptions.Device, "Device", "auto") ?? "auto",
                DType = parse.GetValue(DType)!,
                Settings = Settings(parse, host),
            };
            var evaluator = host.Services.GetRequiredService<ForgettingEvaluator>();
            var report = await ConsoleProgress.RunAsync(context.Error, context.ErrorIsTerminal, "forgetting", progress => Task.Run(() => evaluator.Evaluate(request, progress, ct), ct));
            Write(report, parse.GetValue(Format), parse.GetValue(Output), context);
            return ExitCodes.Ok;
        }, ct));
        return command;
    }

    internal static ForgettingSettings Settings(ParseResult parse, Microsoft.Extensions.Hosting.IHost host) => new()
    {
        MaxLength = parse.GetValue(MaxLength),
        Stride = parse.GetValue(Stride),
        BatchSize = CliHost.Setting(parse, host, BatchSize, "BatchSize", 8),
        BootstrapSamples = parse.GetValue(Bootstrap),
        Seed = parse.GetValue(Seed),
        PrependBos = !parse.GetValue(NoBos),
    };

    internal static IReadOnlyList<string> SplitList(string? list) =>
        list?.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries) ?? [];

    private static void Write(ForgettingReport report, ReportFormat format, string? outputFile, CliContext context)
    {
        var text = format switch
        {
            ReportFormat.Json => ForgettingReportJson.Serialize(report) + Environment.NewLine,
            ReportFormat.Markdown => ForgettingReportMarkdown.Render(report),
            _ => null,
        };
        if (text is null)
        {
            var target = outputFile is null ? context.Out : new StringWriter();
            ForgettingTable.Write(OutputConsole.Create(target, outputFile is null && context.OutIsTerminal), report);
            text = outputFile is null ? null : target.ToString();
        }

        if (text is null)
        {
            return;
        }

        if (outputFile is null)
        {
            context.Out.Write(text);
        }
        else
        {
            AtomicFile.WriteAllText(outputFile, text);
        }
    }
}
