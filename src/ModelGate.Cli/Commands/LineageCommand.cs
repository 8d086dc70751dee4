using System.CommandLine;
using Microsoft.Extensions.DependencyInjection;
using ModelGate.Cli.Hosting;
using ModelGate.Cli.Options;
using ModelGate.Cli.Rendering;
using ModelGate.Torch.Lineage;

namespace ModelGate.Cli.Commands;

/// <summary>
/// <c>lineage</c>: intruder dimensions through a history of adapters trained one after another, cumulative (against
/// the base) and new (against the release before) for every release.
/// </summary>
public static class LineageCommand
{
    public static Command Create(CliContext context)
    {
        var command = new Command("lineage", "Intruder dimensions across releases trained one after another: cumulative (vs the base) and new (vs the previous release).")
        {
            SharedOptions.Base, SharedOptions.Adapters, SharedOptions.K, SharedOptions.Epsilon, SharedOptions.Modules, SharedOptions.Method,
            SharedOptions.Tolerance, SharedOptions.Spectra, SharedOptions.Format, SharedOptions.Output,
        };
        command.SetAction((parse, ct) => context.RunAsync(parse, async host =>
        {
            var options = LineageCommandOptions.Bind(parse, host);
            RunPaths.Guard(parse, host)
                .Reads(ModelLocations.LocalPath(options.Base), "the --base model folder")
                .Reads(ModelLocations.LocalPaths(options.Adapters), "the --adapter folder")
                .WritesFile(options.Output, "--output")
                .Check();
            var analyzer = host.Services.GetRequiredService<LineageAnalyzer>();
            var baseModel = await ModelLocations.ResolveBaseAsync(context, parse, host, options.Base, options.Analysis.Spectra, everyWeight: false, ct);
            var adapters = await ModelLocations.ResolveAllAsync(context, parse, host, options.Adapters, ct);
            var report = await ConsoleProgress.RunAsync(context.Error, context.ErrorIsTerminal, "lineage",
                progress => analyzer.AnalyzeAsync(baseModel, adapters, options.Analysis, options.Device, progress, ct));
            ReportWriter.Write(report, options.Format, options.Output, context.Out, context.OutIsTerminal);
            return ExitCodes.Ok;
        }, ct));
        return command;
    }
}
