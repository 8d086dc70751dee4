using System.CommandLine;
using Microsoft.Extensions.DependencyInjection;
using ModelGate.Cli.Hosting;
using ModelGate.Cli.Options;
using ModelGate.Cli.Rendering;
using ModelGate.Torch.Spectral;

namespace ModelGate.Cli.Commands;

/// <summary><c>analyze</c>: counts intruder dimensions of adapters (or a full fine-tune) against a base.</summary>
public static class AnalyzeCommand
{
    public static Command Create(CliContext context)
    {
        var command = new Command("analyze", "Count intruder dimensions (Shuttleworth et al., NeurIPS 2025) per module.")
        {
            SharedOptions.Base, SharedOptions.Adapters, SharedOptions.Tuned, SharedOptions.K, SharedOptions.Epsilon, SharedOptions.Modules,
            SharedOptions.Method, SharedOptions.Tolerance, SharedOptions.Spectra, SharedOptions.Shard, SharedOptions.Format, SharedOptions.Output,
        };
        command.SetAction((parse, ct) => context.RunAsync(parse, async host =>
        {
            var options = AnalyzeCommandOptions.Bind(parse, host);
            RunPaths.Guard(parse, host)
                .Reads(ModelLocations.LocalPath(options.Base), "the --base model folder")
                .Reads(ModelLocations.LocalPaths(options.Adapters), "the --adapter folder")
                .Reads(ModelLocations.LocalPath(options.Tuned), "the --tuned model folder")
                .WritesFile(options.Output, "--output")
                .Check();
            var analyzer = host.Services.GetRequiredService<IntruderAnalyzer>();
            var baseModel = await ModelLocations.ResolveBaseAsync(context, parse, host, options.Base, options.Analysis.Spectra, everyWeight: false, ct);
            var adapters = await ModelLocations.ResolveAllAsync(context, parse, host, options.Adapters, ct);
            var tuned = options.Tuned is null ? null : await ModelLocations.ResolveAsync(context, parse, host, options.Tuned, ct);
            var report = await ConsoleProgress.RunAsync(context.Error, context.ErrorIsTerminal, "analyze", progress => tuned is null
                ? analyzer.AnalyzeAdaptersAsync(baseModel, adapters, options.Analysis, options.Device, progress, ct)
                : analyzer.AnalyzeFineTuneAsync(baseModel, tuned, options.Analysis, options.Device, progress, ct));
            ReportWriter.Write(report, options.Format, options.Output, context.Out, context.OutIsTerminal);
            return ExitCodes.Ok;
        }, ct));
        return command;
    }
}
