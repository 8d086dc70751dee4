using System.CommandLine;
using System.CommandLine.Parsing;
using ModelGate.Cli.Hosting;
using ModelGate.Cli.Rendering;
using ModelGate.Core.Spectral.Cache;
using ModelGate.Core.Torch;

namespace ModelGate.Cli.Commands;

/// <summary><c>precompute</c>: fills the spectrum cache with a base model's SVDs, so later analyses skip them.</summary>
public static class PrecomputeCommand
{
    private static readonly Option<string> Base = new("--base") { Description = "Base model folder (config.json + safetensors, sharded or not), or a registry URI (az://, https://…blob…, hf://org/name@rev, file://).", Required = true };
    private static readonly Option<string?> Modules = new("--modules") { Description = "Only weights whose name matches this regular expression." };

    private static readonly Option<SpectrumPrecision> Precision = new("--precision")
    {
        Description = "How singular vectors are stored: f32 (default), f16 or bf16 (half the disk, ~1e-3 / 1e-2 accuracy).",
        DefaultValueFactory = _ => SpectrumPrecision.F32,
        CustomParser = ParsePrecision,
    };

    public static Command Create(CliContext context)
    {
        var command = new Command("precompute", "Compute and cache the SVD of every linear weight of a base model.")
        {
            Base, Modules, Precision,
        };
        command.SetAction((parse, ct) => context.RunAsync(parse, ct, async host =>
        {
            RunPaths.Guard(parse, host)
                .Reads(ModelLocations.LocalPath(parse.GetValue(Base)), "the --base model folder")
                .Check();
            var cache = CacheCommand.Open(parse, host, parse.GetValue(Precision));
            var device = TorchDeviceSelector.Select(CliHost.Setting<string?>(parse, host, CommonOptions.Device, "Device", "auto"));
            var baseFolder = await ModelLocations.ResolveAsync(context, parse, host, parse.GetValue(Base)!, ct);
            var result = ConsoleProgress.Run(context.Error, context.ErrorIsTerminal, "precompute", progress =>
                SpectrumPrecompute.Run(cache, baseFolder, parse.GetValue(Modules), device, progress, ct));
            context.Out.WriteLine($"{result.Computed} computed, {result.AlreadyCached} already cached ({result.Total} linear weights); cache: {cache.Root}");
            return ExitCodes.Ok;
        }));
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
