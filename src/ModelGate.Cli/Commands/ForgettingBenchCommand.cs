using System.CommandLine;
using System.Globalization;
using Microsoft.Extensions.DependencyInjection;
using ModelGate.Cli.Hosting;
using ModelGate.Cli.Options;
using ModelGate.Core.Errors;
using ModelGate.Core.Forgetting;
using ModelGate.Forgetting.Metrics;
using ModelGate.Forgetting.Models;
using ModelGate.Forgetting.Tokenizers;

namespace ModelGate.Cli.Commands;

/// <summary>
/// <c>forgetting-bench</c>: tokens/s of the forgetting scorer's batched, length-bucketed forward passes against a
/// plain loop (one sequence per pass) on the same model and sequences, side by side in one run, with the ratio and
/// the largest difference between their log-probabilities.
/// </summary>
public static class ForgettingBenchCommand
{
    public static Command Create(CliContext context)
    {
        var command = new Command("forgetting-bench", "Time batched forgetting scoring against a one-sequence-at-a-time loop on one model.")
        {
            SharedOptions.Base, SharedOptions.Corpus, ForgettingBenchCommandOptions.RandomDocumentCount, ForgettingCommandOptions.MaxLength,
            ForgettingCommandOptions.Stride, ForgettingCommandOptions.BatchSize, ForgettingCommandOptions.DType,
        };
        command.SetAction((parse, ct) => context.RunAsync(parse, async host =>
        {
            var options = ForgettingBenchCommandOptions.Bind(parse, host);
            RunPaths.Guard(parse, host)
                .Reads(ModelLocations.LocalPath(options.Base), "the --base model folder")
                .Reads(options.Corpus, "the --corpus")
                .Check();
            var corpus = options.Corpus is { } c ? TextCorpus.Read(c) : null;
            var folder = (await ModelLocations.ResolveAsync(context, parse, host, options.Base, ct)).LocalPath;
            var tokenizer = TokenizerLoader.Load(folder);
            using var model = host.Services.GetRequiredService<LanguageModelLoader>().Load(folder, new LanguageModelOptions { Device = options.Device, DType = options.DType });
            var maxLength = options.MaxLength ?? Math.Min(model.MaxPositions, model.Kind == LanguageModelKind.Masked ? 128 : 512);
            if (maxLength > model.MaxPositions)
            {
                throw new UserInputException($"--max-length {maxLength}: the model takes at most {model.MaxPositions} positions");
            }

            var stride = options.Stride ?? Math.Max(1, maxLength / 2);
            var documents = corpus is null
                ? ForgettingBenchmark.RandomDocuments(options.RandomDocuments, maxLength, model.VocabularySize, seed: 1)
                : corpus.Documents.Select(d => tokenizer.Encode(d, addSpecialTokens: false).ToArray()).Where(d => d.Length > 1).ToArray();
            var result = ForgettingBenchmark.Run(model, documents, maxLength, stride, options.BatchSize, options.DType, tokenizer.Special.Mask,
                new Rendering.SynchronousProgress<string>(line => context.Error.WriteLine(line)), ct);
            Write(context, result, corpus?.Name ?? $"{documents.Count} random-token documents", maxLength, stride);
            return ExitCodes.Ok;
        }, ct));
        return command;
    }

    private static void Write(CliContext context, ForgettingBenchmarkResult r, string data, int maxLength, int stride)
    {
        var inv = CultureInfo.InvariantCulture;
        context.Out.WriteLine("| model | device | dtype | sequences | tokens | batched (bucketed, padded) | one by one | speed-up | max |Δ log p| |");
        context.Out.WriteLine("|---|---|---|---:|---:|---:|---:|---:|---:|");
        context.Out.WriteLine(string.Create(inv,
            $"| {r.ModelType} | {r.Device} | {r.DType} | {r.Sequences} | {r.Batched.Tokens:N0} | {r.Batched.TokensPerSecond:N0} tok/s (batch {r.BatchSize}) | {r.Reference.TokensPerSecond:N0} tok/s | {r.Speedup:0.0}× | {r.MaxAbsLogProbDifference:0.0E+0} |"));
        context.Out.WriteLine();
        context.Out.WriteLine(string.Create(inv, $"{data}, window {maxLength}, stride {stride}; {Environment.ProcessorCount} cores, {ModelGate.Core.ToolVersion.Current}"));
    }
}
