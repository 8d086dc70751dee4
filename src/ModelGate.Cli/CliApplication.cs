using System.CommandLine;
using System.Runtime.InteropServices;
using ModelGate.Cli.Commands;
using ModelGate.Cli.Hosting;

namespace ModelGate.Cli;

/// <summary>Parses the command line and runs one verb; the only place that knows the verbs.</summary>
public static class CliApplication
{
    /// <summary>
    /// The process entry: Ctrl+C (SIGINT) or SIGTERM cancels the verb, which stops at its next check, deletes what it
    /// had staged and exits 130 saying so; a second signal ends the process at once. System.CommandLine's own handling
    /// is off: it hooks the signals only once a verb's synchronous part has returned (ours run synchronously, so a
    /// Ctrl+C mid-merge killed the process outright), and it abandons a verb 2 s after the signal, before it has cleaned up.
    /// </summary>
    public static async Task<int> RunAsync(string[] args, TextWriter output, TextWriter error)
    {
        using var cancellation = new CancellationTokenSource();
        void Cancel(PosixSignalContext signal)
        {
            if (!cancellation.IsCancellationRequested)
            {
                signal.Cancel = true;
                cancellation.Cancel();
            }
        }

        using var interrupt = PosixSignalRegistration.Create(PosixSignal.SIGINT, Cancel);
        using var terminate = PosixSignalRegistration.Create(PosixSignal.SIGTERM, Cancel);
        var context = new CliContext(output, error, !Console.IsOutputRedirected && output == Console.Out, !Console.IsErrorRedirected && error == Console.Error);
        return await RunAsync(args, context, cancellation.Token);
    }

    public static async Task<int> RunAsync(string[] args, CliContext context, CancellationToken cancellationToken = default)
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
            ProcessTerminationTimeout = null,
        }, cancellationToken);
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
        root.Subcommands.Add(CalibrateCommand.Create(context));
        root.Subcommands.Add(ForgettingCommand.Create(context));
        root.Subcommands.Add(ForgettingBenchCommand.Create(context));
        root.Subcommands.Add(ForgettingDemoCommand.Create(context));
        root.Subcommands.Add(StudyCommand.Create(context));
        root.Subcommands.Add(RegistryCommand.Create(context));
        return root;
    }
}
