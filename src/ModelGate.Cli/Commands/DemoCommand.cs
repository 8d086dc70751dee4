using System.CommandLine;
using Microsoft.Extensions.DependencyInjection;
using ModelGate.Cli.Options;
using ModelGate.Cli.Rendering;
using ModelGate.Demo;
using ModelGate.Torch.Spectral;

namespace ModelGate.Cli.Commands;

/// <summary>
/// <c>demo</c>: the main job on an embedded default, with no registry, token or GPU. It generates a tiny
/// LLaMA-shaped base and two PEFT adapters for it, one that only strengthens directions the base already has and
/// one with planted intruder dimensions, analyses both and prints both reports.
/// </summary>
public static class DemoCommand
{
    public static Command Create(CliContext context)
    {
        var command = new Command("demo", "Generate a tiny base model and two adapters (clean, with intruders) and analyse both.")
        {
            DemoCommandOptions.FolderOption, SharedOptions.K, SharedOptions.Epsilon, SharedOptions.Format,
        };
        command.SetAction((parse, ct) => context.RunAsync(parse, async host =>
        {
            var options = DemoCommandOptions.Bind(parse, host);
            var root = options.Folder;
            var demo = IntruderDemoBuilder.Build(root);
            var (baseFolder, clean, intruded) = (demo.BaseModel, demo.CleanAdapter, demo.IntruderAdapter);
            context.Error.WriteLine($"generated {baseFolder} and adapters {clean}, {intruded}");

            var analyzer = host.Services.GetRequiredService<IntruderAnalyzer>();
            var format = options.Format;
            foreach (var (title, adapter) in new[] { ("clean adapter", clean), ("adapter with planted intruders", intruded) })
            {
                var report = await ConsoleProgress.RunAsync(context.Error, context.ErrorIsTerminal, "analyze", p => analyzer.AnalyzeAdaptersAsync(baseFolder, [adapter], options.Analysis, options.Device, p, ct));
                if (format == ReportFormat.Table)
                {
                    context.Out.WriteLine();
                    context.Out.WriteLine($"== {title}: {adapter}");
                }

                ReportWriter.Write(report, format, null, context.Out, context.OutIsTerminal);
            }

            if (format == ReportFormat.Table)
            {
                context.Out.WriteLine();
                context.Out.WriteLine($"try: dotnet intruder-gate gate --base {baseFolder} --adapter {clean} --json {Path.Combine(root, "clean.verdict.json")}   # exit 0");
                context.Out.WriteLine($"     dotnet intruder-gate gate --base {baseFolder} --adapter {intruded} --baseline {Path.Combine(root, "clean.verdict.json")} --report {Path.Combine(root, "gate.md")} --html {Path.Combine(root, "gate.html")}   # exit 1");
                context.Out.WriteLine($"     dotnet intruder-gate analyze --base {baseFolder} --adapter {intruded} --format json");
                context.Out.WriteLine($"     dotnet intruder-gate merge --base {baseFolder} --adapter {intruded} --output {Path.Combine(root, "merged")}");
            }

            return ExitCodes.Ok;
        }, ct));
        return command;
    }
}
