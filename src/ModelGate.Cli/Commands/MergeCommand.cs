using System.CommandLine;
using Microsoft.Extensions.DependencyInjection;
using ModelGate.Cli.Hosting;
using ModelGate.Cli.Rendering;
using ModelGate.Core.Adapters;
using ModelGate.Torch.Merging;

namespace ModelGate.Cli.Commands;

/// <summary><c>merge</c>: writes base + adapters as a complete model folder.</summary>
public static class MergeCommand
{
    private static readonly Option<string> Base = new("--base") { Description = "Base model folder or registry URI (az://, https://…blob…, hf://org/name@rev, file://).", Required = true };
    private static readonly Option<string[]> Adapters = new("--adapter") { Description = "PEFT adapter folder or registry URI; repeat to merge several in order.", Required = true };
    private static readonly Option<string> Output = new("--output", "-o") { Description = "Folder to write the merged model to.", Required = true };
    private static readonly Option<string?> DType = new("--dtype") { Description = "float32, float16 or bfloat16 for the written weights (default: the base's)." };
    private static readonly Option<bool> Force = new("--force") { Description = "Replace a non-empty --output folder once the merge has succeeded." };

    public static Command Create(CliContext context)
    {
        var command = new Command("merge", "Merge one or more PEFT LoRA/DoRA adapters into the base weights, as PEFT's merge_and_unload does.")
        {
            Base, Adapters, Output, DType, Force,
        };
        command.SetAction((parse, ct) => context.RunAsync(parse, async host =>
        {
            RunPaths.Guard(parse, host)
                .Reads(ModelLocations.LocalPath(parse.GetValue(Base)), "the --base model folder")
                .Reads(ModelLocations.LocalPaths(parse.GetValue(Adapters)!), "the --adapter folder")
                .WritesFolder(parse.GetValue(Output), "--output")
                .Check();
            var settings = new MergeSettings
            {
                DType = parse.GetValue(DType) is { } d ? MergeSettings.ParseDType(d) : null,
                Force = parse.GetValue(Force),
            };
            var device = CliHost.Setting<string?>(parse, host, CommonOptions.Device, "Device", "auto") ?? "auto";
            var merger = host.Services.GetRequiredService<ModelMerger>();
            var baseFolder = await ModelLocations.ResolveAsync(context, parse, host, parse.GetValue(Base)!, ct);
            var adapterFolders = await ModelLocations.ResolveAllAsync(context, parse, host, parse.GetValue(Adapters)!, ct);
            var result = await ConsoleProgress.RunAsync(context.Error, context.ErrorIsTerminal, "merge", progress =>
                Task.Run(() => merger.Merge(baseFolder, adapterFolders, parse.GetValue(Output)!, settings, device, progress, ct), ct));
            context.Out.WriteLine($"merged {result.ChangedTensors} of {result.Tensors} tensors into {result.OutputFolder} ({result.Shards} shard{(result.Shards == 1 ? "" : "s")})");
            return ExitCodes.Ok;
        }, ct));
        return command;
    }
}
