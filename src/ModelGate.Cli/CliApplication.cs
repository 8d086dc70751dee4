using System.CommandLine;
using ModelGate.Cli.Commands;
using ModelGate.Cli.Hosting;

namespace ModelGate.Cli;

/// <summary>Parses the command line and runs one verb; the only place that knows the verbs.</summary>
public static class CliApplication
{
    public static Task<int> RunAsync(string[] args, TextWriter output, TextWriter error) =>
        RunAsync(args, new CliContext(output, error, !Console.IsOutputRedirected && output == Console.Out, !Console.IsErrorRedirected && error == Console.Error));

    public static async Task<int> RunAsync(string[] args, CliContext context)
    {
        var parse = CreateRootCommand(context).Parse(args);
        if (parse.Errors.Count > 0)
        {
            context.Error.WriteLine($"error: {parse.Errors[0].Message} (see --help)");
            return ExitCodes.BadInput;
        }

        return await parse.InvokeAsync(new InvocationConfiguration
        {
            Output = context.Out,
            Error = context.Error,
            EnableDefaultExceptionHandler = false,
        });
    }

    /// <summary>The whole command tree, built without running anything (the docs test walks it).</summary>
    public static RootCommand CreateRootCommand(CliContext context)
    {
        var root = new RootCommand("intruder-gate: release gate for LoRA adapters, after 'LoRA vs Full Fine-tuning: An Illusion of Equivalence'.")
        {
            CommonOptions.Device,
            CommonOptions.Verbose,
            CommonOptions.Config,
            CommonOptions.Cache,
        };
        root.Subcommands.Add(AnalyzeCommand.Create(context));
        root.Subcommands.Add(MergeCommand.Create(context));
        root.Subcommands.Add(DemoCommand.Create(context));
        root.Subcommands.Add(PrecomputeCommand.Create(context));
        root.Subcommands.Add(CacheCommand.Create(context));
        root.Subcommands.Add(MitigateCommand.Create(context));
        root.Subcommands.Add(BenchCommand.Create(context));
        root.Subcommands.Add(LineageCommand.Create(context));
        root.Subcommands.Add(GateCommand.Create(context));
        root.Subcommands.Add(ForgettingCommand.Create(context));
        root.Subcommands.Add(ForgettingBenchCommand.Create(context));
        root.Subcommands.Add(ForgettingDemoCommand.Create(context));
        root.Subcommands.Add(RegistryCommand.Create(context));
        return root;
    }
}
