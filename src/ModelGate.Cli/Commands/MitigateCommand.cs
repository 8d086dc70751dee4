using System.CommandLine;
using System.Globalization;
using Microsoft.Extensions.DependencyInjection;
using ModelGate.Cli.Hosting;
using ModelGate.Cli.Options;
using ModelGate.Cli.Rendering;
using ModelGate.Core.Repair;
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
            SharedOptions.Modules, SharedOptions.Spectra,
        };
        command.SetAction((parse, ct) => context.RunAsync(parse, async host =>
        {
            var options = MitigateCommandOptions.Bind(parse, host);
            RunPaths.Guard(parse, host)
                .Reads(ModelLocations.LocalPath(options.Base), "the --base model folder")
                .Reads(ModelLocations.LocalPath(options.Adapter), "the --adapter folder")
                .WritesFolder(options.Settings.DryRun ? null : options.OutputFolder, "--output")
                .Check();
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
