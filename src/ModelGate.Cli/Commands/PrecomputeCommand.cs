using System.CommandLine;
using System.CommandLine.Parsing;
using Microsoft.Extensions.DependencyInjection;
using ModelGate.Cli.Hosting;
using ModelGate.Cli.Options;
using ModelGate.Cli.Rendering;
using ModelGate.Core.Errors;
using ModelGate.Core.Spectral.Cache;
using ModelGate.Core.Spectral.Publishing;
using ModelGate.Core.Spectral.Sharding;
using ModelGate.Core.Tensors;
using ModelGate.Torch.Runtime;
using ModelGate.Torch.Spectral.Cache;
using ModelGate.Torch.Spectral.Publishing;

namespace ModelGate.Cli.Commands;

/// <summary><c>precompute</c>: fills the spectrum cache with a base model's SVDs, so later analyses skip them.</summary>
public static class PrecomputeCommand
{

    private static readonly Option<string?> Publish = new("--publish")
    {
        Description = "Also publish the spectra to this registry location (az://, https blob URL, file://, a folder; not hf://) for --spectra to read: entries uploaded once, manifest last.",
    };

    private static readonly Option<SpectrumPrecision> Precision = new("--precision")
    {
        Description = "How singular vectors are stored: f32 (default; f16 with --publish) or bf16 (half the disk, ~1e-3 / 1e-2 accuracy).",
        DefaultValueFactory = _ => SpectrumPrecision.F32,
        CustomParser = ParsePrecision,
    };

    public static Command Create(CliContext context)
    {
        var command = new Command("precompute", "Compute and cache the SVD of every linear weight of a base model.")
        {
            SharedOptions.Base, SharedOptions.Modules, SharedOptions.Shard, Precision, Publish,
        };
        command.SetAction((parse, ct) => context.RunAsync(parse, async host =>
        {
            var publish = parse.GetValue(Publish);
            var shard = parse.GetValue(SharedOptions.Shard) is { } text ? AnalysisShard.Parse(text) : null;
            if (publish is not null)
            {
                // Refused before any work: hf:// cannot be written.
                SpectraManifestReader.Location(publish, InputField.Publish);
            }

            RunPaths.Guard(parse, host)
                .Reads(ModelLocations.LocalPath(parse.GetValue(SharedOptions.Base)), "the --base model folder")
                .Check();

            // Published spectra are fetched by every run: F16 halves the bytes with counts unchanged (docs/spectrum-cache.md).
            var precision = publish is not null && parse.GetResult(Precision) is not { Implicit: false } ? SpectrumPrecision.F16 : parse.GetValue(Precision);
            var cache = CacheCommand.Open(parse, host, precision);
            var device = TorchDeviceSelector.Select(SharedOptions.Device(parse, host));
            var baseFolder = (await ModelLocations.ResolveAsync(context, parse, host, parse.GetValue(SharedOptions.Base)!, ct)).LocalPath;
            var result = await ConsoleProgress.RunAsync(context.Error, context.ErrorIsTerminal, "precompute", progress =>
                Task.Run(() => SpectrumPrecompute.Run(cache, baseFolder, parse.GetValue(SharedOptions.Modules), shard, device, progress, ct), ct));
            context.Out.WriteLine($"{result.Computed} computed, {result.AlreadyCached} already cached ({result.Total} linear weights{(shard is null ? "" : $" of shard {shard}")}); cache: {cache.Root}");
            if (publish is not null)
            {
                // Read once here so that no gate streaming this base has to fetch all of it to scan it (docs/spectrum-cache.md);
                // shard K of N scans the files K, K + N, ... so that a sharded precompute reads each file once between them.
                IReadOnlyList<ShardIdentity> scanned;
                using (var weights = ModelWeights.Open(baseFolder))
                {
                    scanned = await weights.ScanAsync(i => shard is null || i % shard.Count == shard.Index - 1, ct);
                }

                var published = await host.Services.GetRequiredService<SpectrumPublisher>().PublishAsync(cache, result.Spectra, scanned, publish, ct);
                context.Out.WriteLine($"published to {published.Location}: {published.Uploaded} uploaded ({published.BytesUploaded} bytes), {published.AlreadyPublished} already there");
            }
            return ExitCodes.Ok;
        }, ct));
        return command;
    }

    private static SpectrumPrecision ParsePrecision(ArgumentResult result)
    {
        var text = result.Tokens.Count == 1 ? result.Tokens[0].Value : "";
        switch (text.ToLowerInvariant())
        {
            case "f32":
                return SpectrumPrecision.F32;
            case "f16":
                return SpectrumPrecision.F16;
            case "bf16":
                return SpectrumPrecision.BF16;
            default:
                result.AddError($"--precision '{text}' is not one of f32, f16, bf16");
                return SpectrumPrecision.F32;
        }
    }
}
