using System.CommandLine;
using Microsoft.Extensions.DependencyInjection;
using ModelGate.Cli.Hosting;
using ModelGate.Cli.Options;
using ModelGate.Cli.Rendering;
using ModelGate.Core.Adapters;
using ModelGate.Torch.Merging;

namespace ModelGate.Cli.Commands;

/// <summary><c>merge</c>: writes base + adapters as a complete model folder.</summary>
public static class MergeCommand
{
    public static Command Create(CliContext context)
    {
        var command = new Command("merge", "Merge one or more PEFT LoRA/DoRA adapters into the base weights, as PEFT's merge_and_unload does.")
        {
            SharedOptions.Base, SharedOptions.Adapters, MergeCommandOptions.Output, MergeCommandOptions.DType, MergeCommandOptions.Force,
        };
        command.SetAction((parse, ct) => context.RunAsync(parse, async host =>
        {
            var options = MergeCommandOptions.Bind(parse, host);
            var guard = RunPaths.Guard(parse, host)
                .Reads(ModelLocations.LocalPath(options.Base), "the --base model folder")
                .Reads(ModelLocations.LocalPaths(options.Adapters), "the --adapter folder");
            if (options.OutputRelease is null)
            {
                guard.WritesFolder(options.OutputFolder, "--output");
            }

            guard.Check();
            var publisher = host.Services.GetRequiredService<MergedModelPublisher>();
            if (options.OutputRelease is { } release)
            {
                await publisher.CheckAsync(release, options.Settings.Force, ct);
            }

            var merger = host.Services.GetRequiredService<ModelMerger>();
            var baseModel = await ModelLocations.ResolveAsync(context, parse, host, options.Base, ct);
            var adapters = await ModelLocations.ResolveAllAsync(context, parse, host, options.Adapters, ct);
            if (options.OutputRelease is { } location)
            {
                var published = await ConsoleProgress.RunAsync(context.Error, context.ErrorIsTerminal, "merge", progress =>
                    Task.Run(() => publisher.PublishAsync(baseModel, adapters, location, options.Settings, options.Device, progress, ct), ct));
                context.Out.WriteLine($"{Describe(published.Merge)}; uploaded {published.UploadedFiles} files ({published.UploadedBytes} bytes), {published.KeptFiles} already there, release marker last");
                return ExitCodes.Ok;
            }

            var result = await ConsoleProgress.RunAsync(context.Error, context.ErrorIsTerminal, "merge", progress =>
                Task.Run(() => merger.Merge(baseModel.LocalPath, [.. adapters.Select(a => a.LocalPath)], options.OutputFolder, options.Settings, options.Device, progress, ct), ct));
            context.Out.WriteLine(Describe(result));
            return ExitCodes.Ok;
        }, ct));
        return command;
    }

    private static string Describe(MergeResult result) =>
        $"merged {result.ChangedTensors} of {result.Tensors} tensors into {result.OutputFolder} ({result.Shards} shard{(result.Shards == 1 ? "" : "s")})";
}
