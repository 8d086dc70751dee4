using System.CommandLine;
using Microsoft.Extensions.DependencyInjection;
using ModelGate.Cli.Hosting;
using ModelGate.Cli.Rendering;
using ModelGate.Core.Spectral;
using ModelGate.Torch.Lineage;

namespace ModelGate.Cli.Commands;

/// <summary>
/// <c>lineage</c>: intruder dimensions through a history of adapters trained one after another, cumulative (against
/// the base) and new (against the release before) for every release.
/// </summary>
public static class LineageCommand
{
    private static readonly Option<string> Base = new("--base") { Description = "Base model folder (or registry URI) the first release was trained on.", Required = true };
    private static readonly Option<string[]> Adapters = new("--adapter") { Description = "PEFT adapter folder or registry URI of one release; repeat in training order (each trained on the base with the ones before merged).", AllowMultipleArgumentsPerToken = false };
    private static readonly Option<string?> Modules = new("--modules") { Description = "Only weights whose name matches this regular expression." };

    public static Command Create(CliContext context)
    {
        var command = new Command("lineage", "Intruder dimensions across releases trained one after another: cumulative (vs the base) and new (vs the previous release).")
        {
            Base, Adapters, AnalyzeCommand.K, AnalyzeCommand.Epsilon, Modules, AnalyzeCommand.Method, AnalyzeCommand.Tolerance, AnalyzeCommand.Spectra, AnalyzeCommand.Format, AnalyzeCommand.Output,
        };
        command.SetAction((parse, ct) => context.RunAsync(parse, async host =>
        {
            RunPaths.Guard(parse, host)
                .Reads(ModelLocations.LocalPath(parse.GetValue(Base)), "the --base model folder")
                .Reads(ModelLocations.LocalPaths(parse.GetValue(Adapters) ?? []), "the --adapter folder")
                .WritesFile(parse.GetValue(AnalyzeCommand.Output), "--output")
                .Check();
            var settings = new AnalysisSettings
            {
                K = CliHost.Setting(parse, host, AnalyzeCommand.K, "K", 10),
                Epsilon = CliHost.Setting(parse, host, AnalyzeCommand.Epsilon, "Epsilon", 0.5),
                Modules = parse.GetValue(Modules),
                Method = parse.GetValue(AnalyzeCommand.Method)!,
                Tolerance = CliHost.Setting(parse, host, AnalyzeCommand.Tolerance, "Tolerance", 1e-6),
                CacheFolder = CliHost.Setting<string?>(parse, host, CommonOptions.Cache, "Cache", null),
                Spectra = CliHost.Setting(parse, host, AnalyzeCommand.Spectra, "Spectra", null),
            };
            var device = CliHost.Setting<string?>(parse, host, CommonOptions.Device, "Device", "auto") ?? "auto";
            var analyzer = host.Services.GetRequiredService<LineageAnalyzer>();
            var baseFolder = await ModelLocations.ResolveBaseAsync(context, parse, host, parse.GetValue(Base)!, settings.Spectra, ct);
            var adapterFolders = await ModelLocations.ResolveAllAsync(context, parse, host, parse.GetValue(Adapters) ?? [], ct);
            var report = await ConsoleProgress.RunAsync(context.Error, context.ErrorIsTerminal, "lineage",
                progress => analyzer.AnalyzeAsync(baseFolder, adapterFolders, settings, device, progress, ct));
            var given = parse.GetValue(Adapters) ?? [];
            report = report with
            {
                BaseModel = ModelLocations.Display(parse.GetValue(Base)!),
                Adapters = [.. given.Select(ModelLocations.Display)],
                Steps = [.. report.Steps.Select((s, i) => s with { Adapter = ModelLocations.Display(given[i]) })],
            };
            ReportWriter.Write(report, parse.GetValue(AnalyzeCommand.Format), parse.GetValue(AnalyzeCommand.Output), context.Out, context.OutIsTerminal);
            return ExitCodes.Ok;
        }, ct));
        return command;
    }
}
