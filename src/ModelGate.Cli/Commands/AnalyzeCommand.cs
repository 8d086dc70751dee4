using System.CommandLine;
using Microsoft.Extensions.DependencyInjection;
using ModelGate.Cli.Hosting;
using ModelGate.Cli.Rendering;
using ModelGate.Core.Errors;
using ModelGate.Core.Spectral;
using ModelGate.Torch.Spectral;

namespace ModelGate.Cli.Commands;

/// <summary><c>analyze</c>: counts intruder dimensions of adapters (or a full fine-tune) against a base.</summary>
public static class AnalyzeCommand
{
    private static readonly Option<string> Base = new("--base") { Description = "Base model folder (config.json + safetensors, sharded or not), or a registry URI (az://, https://…blob…, hf://org/name@rev, file://).", Required = true };
    private static readonly Option<string[]> Adapters = new("--adapter") { Description = "PEFT adapter folder or registry URI; repeat to merge several in order.", AllowMultipleArgumentsPerToken = false };
    private static readonly Option<string?> Tuned = new("--tuned") { Description = "A fully fine-tuned model folder (or registry URI) to compare instead of adapters." };
    internal static readonly Option<int> K = new("--k") { Description = "How many top tuned singular vectors to check (default 10). Env MODELGATE_K." };
    internal static readonly Option<double> Epsilon = new("--epsilon") { Description = "Intruder threshold on the max |cosine| (default 0.5). Env MODELGATE_EPSILON." };
    private static readonly Option<string?> Modules = new("--modules") { Description = "Only weights whose name matches this regular expression." };
    internal static readonly Option<string> Method = new("--method") { Description = "auto (cached base spectra; low-rank or Krylov per module) or full-svd (the paper's reference computation).", DefaultValueFactory = _ => AnalysisMethod.Auto };
    internal static readonly Option<double> Tolerance = new("--tolerance") { Description = "Residual tolerance of the iterative paths, relative to σ₁ (default 1e-6)." };
    internal static readonly Option<string?> Spectra = new("--spectra")
    {
        Description = "Published base spectra (az://, https blob URL, file://, a folder; written by precompute --publish), read when the local cache misses. With a registry --base the base is then streamed: only the tensors analysed are fetched, by range. Env MODELGATE_SPECTRA.",
    };

    internal static readonly Option<ReportFormat> Format = new("--format") { Description = "table, json or markdown.", DefaultValueFactory = _ => ReportFormat.Table };
    internal static readonly Option<string?> Output = new("--output", "-o") { Description = "Write the report to this file (atomically) instead of stdout." };

    public static Command Create(CliContext context)
    {
        var command = new Command("analyze", "Count intruder dimensions (Shuttleworth et al., NeurIPS 2025) per module.")
        {
            Base, Adapters, Tuned, K, Epsilon, Modules, Method, Tolerance, Spectra, Format, Output,
        };
        command.SetAction((parse, ct) => context.RunAsync(parse, async host =>
        {
            var adapters = parse.GetValue(Adapters) ?? [];
            var tuned = parse.GetValue(Tuned);
            if (adapters.Length == 0 == (tuned is null))
            {
                throw new UserInputException("analyze: give either --adapter (one or more) or --tuned, not both and not neither");
            }

            RunPaths.Guard(parse, host)
                .Reads(ModelLocations.LocalPath(parse.GetValue(Base)), "the --base model folder")
                .Reads(ModelLocations.LocalPaths(adapters), "the --adapter folder")
                .Reads(ModelLocations.LocalPath(tuned), "the --tuned model folder")
                .WritesFile(parse.GetValue(Output), "--output")
                .Check();
            var settings = new AnalysisSettings
            {
                K = CliHost.Setting(parse, host, K, "K", 10),
                Epsilon = CliHost.Setting(parse, host, Epsilon, "Epsilon", 0.5),
                Modules = parse.GetValue(Modules),
                Method = parse.GetValue(Method)!,
                Tolerance = CliHost.Setting(parse, host, Tolerance, "Tolerance", 1e-6),
                CacheFolder = CliHost.Setting<string?>(parse, host, CommonOptions.Cache, "Cache", null),
                Spectra = CliHost.Setting(parse, host, Spectra, "Spectra", null),
            };
            var device = CliHost.Setting<string?>(parse, host, CommonOptions.Device, "Device", "auto") ?? "auto";
            var analyzer = host.Services.GetRequiredService<IntruderAnalyzer>();
            var baseFolder = await ModelLocations.ResolveBaseAsync(context, parse, host, parse.GetValue(Base)!, settings.Spectra, ct);
            var adapterFolders = await ModelLocations.ResolveAllAsync(context, parse, host, adapters, ct);
            var tunedFolder = tuned is null ? null : await ModelLocations.ResolveAsync(context, parse, host, tuned, ct);
            var report = await ConsoleProgress.RunAsync(context.Error, context.ErrorIsTerminal, "analyze", progress => tunedFolder is null
                ? analyzer.AnalyzeAdaptersAsync(baseFolder, adapterFolders, settings, device, progress, ct)
                : analyzer.AnalyzeFineTuneAsync(baseFolder, tunedFolder, settings, device, progress, ct));
            // Reports name what the user gave (a URI, secrets redacted), not the cache folder it was fetched to.
            report = report with
            {
                BaseModel = ModelLocations.Display(parse.GetValue(Base)!),
                Tuned = tuned is null ? [.. adapters.Select(ModelLocations.Display)] : [ModelLocations.Display(tuned)],
            };
            ReportWriter.Write(report, parse.GetValue(Format), parse.GetValue(Output), context.Out, context.OutIsTerminal);
            return ExitCodes.Ok;
        }, ct));
        return command;
    }
}
