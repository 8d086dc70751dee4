using System.CommandLine;
using System.Globalization;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using ModelGate.Cli.Hosting;
using ModelGate.Cli.Options;
using ModelGate.Cli.Rendering;
using ModelGate.Core.Errors;
using ModelGate.Core.IO;
using ModelGate.Core.Repair;
using ModelGate.Core.Reporting;
using ModelGate.Forgetting.Metrics;
using ModelGate.Forgetting.Repair;
using ModelGate.Torch.Repair;
using Spectre.Console;

namespace ModelGate.Cli.Commands;

/// <summary><c>mitigate</c>: writes a repaired adapter whose intruder dimensions are scaled by λ, exactly.</summary>
public static class MitigateCommand
{
    public static Command Create(CliContext context)
    {
        var command = new Command("mitigate", "Scale the singular values of intruder dimensions by λ into a new PEFT adapter (exact, rank r + #intruders).")
        {
            SharedOptions.Base, SharedOptions.Adapters, MitigateCommandOptions.Output, MitigateCommandOptions.Lambda, MitigateCommandOptions.ModuleLambda,
            MitigateCommandOptions.MinIntruders, MitigateCommandOptions.DryRun, MitigateCommandOptions.Force, SharedOptions.K, SharedOptions.Epsilon,
            SharedOptions.Modules, SharedOptions.Spectra, MitigateCommandOptions.Sweep, SharedOptions.Corpus, SharedOptions.Tasks,
            MitigateCommandOptions.TaskCorpus, MitigateCommandOptions.Policy, MitigateCommandOptions.Json, MitigateCommandOptions.Report,
        };
        command.SetAction((parse, ct) => context.RunAsync(parse, async host =>
        {
            var options = MitigateCommandOptions.Bind(parse, host);
            RunPaths.Guard(parse, host)
                .Reads(ModelLocations.LocalPath(options.Base), "the --base model folder")
                .Reads(ModelLocations.LocalPath(options.Adapter), "the --adapter folder")
                .WritesFolder(options.Settings.DryRun ? null : options.OutputFolder, "--output")
                .Check();
            if (options.Sweeping is { } sweep)
            {
                return await SweepAsync(context, parse, host, options, sweep, ct);
            }

            var mitigator = host.Services.GetRequiredService<AdapterMitigator>();
            var baseModel = await ModelLocations.ResolveBaseAsync(context, parse, host, options.Base, options.Settings.Analysis.Spectra, everyWeight: false, ct);
            var adapter = await ModelLocations.ResolveAsync(context, parse, host, options.Adapter, ct);
            var result = await ConsoleProgress.RunAsync(context.Error, context.ErrorIsTerminal, "mitigate", progress =>
                mitigator.MitigateAsync(baseModel.LocalPath, adapter.LocalPath, options.OutputFolder, options.Settings, options.Device, progress, ct));
            Write(context, result);
            return ExitCodes.Ok;
        }, ct));
        return command;
    }

    /// <summary>--sweep: every λ repaired and measured, the choice written; exit 1 when no λ passes.</summary>
    private static async Task<int> SweepAsync(CliContext context, ParseResult parse, IHost host, MitigateCommandOptions options,
        MitigateCommandOptions.SweepOptions sweep, CancellationToken ct)
    {
        RunPaths.Guard(parse, host)
            .Reads(sweep.Corpus, "the --corpus")
            .Reads(ForgettingDataLocations.LocalTaskFiles(sweep.Tasks), "the --tasks file")
            .Reads(sweep.TaskCorpus, "the --task-corpus")
            .WritesFile(sweep.Json, "--json")
            .WritesFile(sweep.Report, "--report")
            .Check();
        var baseModel = await ModelLocations.ResolveBaseAsync(context, parse, host, options.Base, options.Settings.Analysis.Spectra, everyWeight: true, ct);
        var adapter = await ModelLocations.ResolveAsync(context, parse, host, options.Adapter, ct);
        var request = new RepairSweepRequest
        {
            BaseModel = baseModel.LocalPath,
            Adapter = adapter.LocalPath,
            Lambdas = sweep.Lambdas,
            Forgetting = new ForgettingRequest
            {
                BaseModel = baseModel.LocalPath,
                Adapters = [adapter.LocalPath],
                Corpus = sweep.Corpus,
                Tasks = sweep.Tasks,
                Device = options.Device,
            },
            TaskCorpus = sweep.TaskCorpus,
            Policy = sweep.Policy,
            Mitigation = options.Settings,
            OutputFolder = options.OutputFolder ?? throw new UserInputException("--output missing: give the folder for the chosen repair"),
            Force = options.Settings.Force,
            Device = options.Device,
        };
        var sweeper = host.Services.GetRequiredService<RepairSweeper>();
        var result = await ConsoleProgress.RunAsync(context.Error, context.ErrorIsTerminal, "sweep", progress => sweeper.SweepAsync(request, progress, ct));
        RepairSweepTable.Write(OutputConsole.Create(context.Out, context.OutIsTerminal), result);
        if (sweep.Json is not null)
        {
            AtomicFile.WriteAllText(sweep.Json, RepairSweepJson.Serialize(result) + Environment.NewLine);
        }

        if (sweep.Report is not null)
        {
            AtomicFile.WriteAllText(sweep.Report, RepairSweepMarkdown.Render(result));
        }

        return result.Chosen is null ? ExitCodes.GateFailed : ExitCodes.Ok;
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
