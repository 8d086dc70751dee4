using System.CommandLine;
using Microsoft.Extensions.DependencyInjection;
using ModelGate.Cli.Hosting;
using ModelGate.Cli.Options;
using ModelGate.Cli.Rendering;
using ModelGate.Core.Evidence;
using ModelGate.Forgetting.Metrics;

namespace ModelGate.Cli.Commands;

/// <summary>
/// <c>forgetting</c>: the base model against the base with the adapters merged in memory, on a held-out corpus
/// (perplexity or pseudo-perplexity) and multiple-choice tasks (acc, acc_norm), deltas with paired-bootstrap intervals.
/// </summary>
public static class ForgettingCommand
{
    public static Command Create(CliContext context)
    {
        var command = new Command("forgetting", "Measure forgetting: base vs merged perplexity / pseudo-perplexity and task accuracy, with intervals.")
        {
            SharedOptions.Base, SharedOptions.Adapters, SharedOptions.Corpus, SharedOptions.Tasks, ForgettingCommandOptions.MaxLength,
            ForgettingCommandOptions.Stride, ForgettingCommandOptions.BatchSize, ForgettingCommandOptions.DType, ForgettingCommandOptions.Bootstrap,
            ForgettingCommandOptions.Seed, ForgettingCommandOptions.NoBos, ForgettingCommandOptions.RowLimit, ForgettingCommandOptions.CorpusTextColumn, SharedOptions.Format, SharedOptions.Output,
        };
        command.SetAction((parse, ct) => context.RunAsync(parse, async host =>
        {
            var options = ForgettingCommandOptions.Bind(parse, host);
            RunPaths.Guard(parse, host)
                .Reads(ModelLocations.LocalPath(options.Base), "the --base model folder")
                .Reads(ModelLocations.LocalPaths(options.Adapters), "the --adapter folder")
                .Reads(ModelLocations.LocalPath(options.Corpus), "the --corpus")
                .Reads(ForgettingDataLocations.LocalTaskFiles(options.Tasks), "the --tasks file")
                .WritesFile(options.Output, "--output")
                .Check();
            var baseModel = await ModelLocations.ResolveAsync(context, parse, host, options.Base, ct);
            var adapters = await ModelLocations.ResolveAllAsync(context, parse, host, options.Adapters, ct);
            // Data from a registry (hf://datasets/…, a bare lm-eval task name) is fetched and read like a local file.
            var (corpus, fetchedTasks, datasets) = await ForgettingDataLocations.ResolveAsync(context, parse, host, options.Corpus, options.Tasks, ct);
            var request = new ForgettingRequest
            {
                BaseModel = baseModel.LocalPath,
                Adapters = [.. adapters.Select(a => a.LocalPath)],
                Corpus = corpus,
                TextColumn = options.TextColumn,
                Tasks = options.Tasks,
                FetchedTasks = fetchedTasks,
                Limit = options.Limit,
                Device = options.Device,
                DType = options.DTypeName,
                Settings = options.Settings,
            };
            var evaluator = host.Services.GetRequiredService<ForgettingEvaluator>();
            var report = await ConsoleProgress.RunAsync(context.Error, context.ErrorIsTerminal, "forgetting", progress => Task.Run(() => evaluator.EvaluateAsync(request, progress, ct), ct));
            // Recorded so that a gate given this report (gate --forgetting) can refuse it for other models or data.
            report = report with { Provenance = await ForgettingEvidence.IdentifyAsync(baseModel, adapters, datasets, ct) };
            ReportWriter.Write(report, options.Format, options.Output, context.Out, context.OutIsTerminal);
            return ExitCodes.Ok;
        }, ct));
        return command;
    }
}
