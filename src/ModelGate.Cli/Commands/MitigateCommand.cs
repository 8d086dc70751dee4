using System.CommandLine;
using System.Globalization;
using Microsoft.Extensions.DependencyInjection;
using ModelGate.Cli.Hosting;
using ModelGate.Cli.Rendering;
using ModelGate.Core.Repair;
using ModelGate.Core.Spectral;
using ModelGate.Torch.Repair;
using Spectre.Console;

namespace ModelGate.Cli.Commands;

/// <summary><c>mitigate</c>: writes a repaired adapter whose intruder dimensions are scaled by λ, exactly.</summary>
public static class MitigateCommand
{
    private static readonly Option<string> Base = new("--base") { Description = "Base model folder or registry URI (az://, https://…blob…, hf://org/name@rev, file://).", Required = true };
    private static readonly Option<string> Adapter = new("--adapter") { Description = "The PEFT LoRA adapter to repair (folder or registry URI).", Required = true };
    private static readonly Option<string?> Output = new("--output", "-o") { Description = "Folder for the repaired adapter (required unless --dry-run)." };
    private static readonly Option<double> Lambda = new("--lambda") { Description = "Scale for each intruder's singular value: 0 removes it, 1 keeps it.", DefaultValueFactory = _ => 0.5 };
    private static readonly Option<string[]> ModuleLambda = new("--module-lambda") { Description = "REGEX=λ for matching modules (repeatable; first match wins)." };
    private static readonly Option<int> MinIntruders = new("--min-intruders") { Description = "Only modules with at least this many intruders.", DefaultValueFactory = _ => 1 };
    private static readonly Option<bool> DryRun = new("--dry-run") { Description = "Show what would change; write nothing." };
    private static readonly Option<bool> Force = new("--force") { Description = "Replace a non-empty --output folder once the new adapter is complete." };
    private static readonly Option<string?> Modules = new("--modules") { Description = "Only weights whose name matches this regular expression." };

    public static Command Create(CliContext context)
    {
        var command = new Command("mitigate", "Scale the singular values of intruder dimensions by λ into a new PEFT adapter (exact, rank r + #intruders).")
        {
            Base, Adapter, Output, Lambda, ModuleLambda, MinIntruders, DryRun, Force, AnalyzeCommand.K, AnalyzeCommand.Epsilon, Modules, AnalyzeCommand.Spectra,
        };
        command.SetAction((parse, ct) => context.RunAsync(parse, async host =>
        {
            RunPaths.Guard(parse, host)
                .Reads(ModelLocations.LocalPath(parse.GetValue(Base)), "the --base model folder")
                .Reads(ModelLocations.LocalPath(parse.GetValue(Adapter)), "the --adapter folder")
                .WritesFolder(parse.GetValue(DryRun) ? null : parse.GetValue(Output), "--output")
                .Check();
            var settings = new MitigationSettings
            {
                Lambda = parse.GetValue(Lambda),
                ModuleLambdas = parse.GetValue(ModuleLambda) ?? [],
                MinIntruders = parse.GetValue(MinIntruders),
                DryRun = parse.GetValue(DryRun),
                Force = parse.GetValue(Force),
                Analysis = new AnalysisSettings
                {
                    K = CliHost.Setting(parse, host, AnalyzeCommand.K, "K", 10),
                    Epsilon = CliHost.Setting(parse, host, AnalyzeCommand.Epsilon, "Epsilon", 0.5),
                    Modules = parse.GetValue(Modules),
                    CacheFolder = CliHost.Setting<string?>(parse, host, CommonOptions.Cache, "Cache", null),
                    Spectra = CliHost.Setting(parse, host, AnalyzeCommand.Spectra, "Spectra", null),
                },
            };
            var device = CliHost.Setting<string?>(parse, host, CommonOptions.Device, "Device", "auto") ?? "auto";
            var mitigator = host.Services.GetRequiredService<AdapterMitigator>();
            var baseFolder = await ModelLocations.ResolveBaseAsync(context, parse, host, parse.GetValue(Base)!, settings.Analysis.Spectra, ct);
            var adapterFolder = await ModelLocations.ResolveAsync(context, parse, host, parse.GetValue(Adapter)!, ct);
            var result = await ConsoleProgress.RunAsync(context.Error, context.ErrorIsTerminal, "mitigate", progress =>
                mitigator.MitigateAsync(baseFolder, adapterFolder, parse.GetValue(Output), settings, device, progress, ct));
            Write(context, result);
            return ExitCodes.Ok;
        }, ct));
        return command;
    }

    private static void Write(CliContext context, MitigationResult result)
    {
        var inv = CultureInfo.InvariantCulture;
        var console = Rendering.OutputConsole.Create(context.Out, context.OutIsTerminal);

        var after = result.After?.Modules.ToDictionary(m => m.Name, m => m.Intruders);
        var table = new Table().Border(TableBorder.Rounded)
            .AddColumn("Module").AddColumn(new TableColumn("λ").RightAligned()).AddColumn(new TableColumn("Intruders before").RightAligned())
            .AddColumn(new TableColumn(result.After is null ? "Intruders after (dry run)" : "Intruders after").RightAligned())
            .AddColumn(new TableColumn("Rank").RightAligned()).AddColumn("Scaled σ");
        foreach (var m in result.Modules)
        {
            table.AddRow(
                Markup.Escape(m.Tensor),
                m.Lambda.ToString("0.##", inv),
                m.Intruders.ToString(inv),
                after is null ? "—" : after.GetValueOrDefault(m.Tensor).ToString(inv),
                m.Changed ? $"{m.RankBefore} → {m.RankAfter}" : m.RankBefore.ToString(inv),
                string.Join(" ", m.SingularValues.Select(s => (s * m.Lambda).ToString("0.###", inv) + "←" + s.ToString("0.###", inv))));
        }

        console.Write(table);
        var changed = result.Modules.Count(m => m.Changed);
        console.WriteLine(result.After is null
            ? $"dry run: {changed} modules would change; total intruders now {result.Before.TotalIntruders}"
            : $"wrote {result.OutputFolder}: {changed} modules changed; total intruders {result.Before.TotalIntruders} → {result.After.TotalIntruders} (k = {result.Before.K}, ε = {result.Before.Epsilon.ToString(inv)})");
    }
}
