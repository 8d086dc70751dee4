using System.CommandLine;
using Microsoft.Extensions.Hosting;
using ModelGate.Cli.Hosting;
using ModelGate.Core.Errors;
using ModelGate.Core.Torch;
using ModelGate.GitHub.Actions;

namespace ModelGate.Cli;

/// <summary>
/// What verbs share: the output streams and the one error boundary. A user error is one line and exit 2; Ctrl+C
/// is exit 130; anything else is a bug, exit 3, with the trace only under --verbose.
/// </summary>
public sealed class CliContext(TextWriter output, TextWriter error, bool outIsTerminal, bool errorIsTerminal)
{
    public TextWriter Out { get; } = output;
    public TextWriter Error { get; } = error;
    public bool OutIsTerminal { get; } = outIsTerminal;
    public bool ErrorIsTerminal { get; } = errorIsTerminal;

    /// <summary>The GitHub Actions variables the GitHub sinks read (this process's; tests hand in a simulated run).</summary>
    public ActionsEnvironment GitHubEnvironment { get; init; } = ActionsEnvironment.FromProcess();

    public Task<int> RunAsync(ParseResult parse, CancellationToken cancellationToken, Func<IHost, int> verb)
    {
        try
        {
            using var host = CliHost.Build(parse, this);
            return Task.FromResult(verb(host));
        }
        catch (Exception e) when (Find<UserInputException>(e) is { } user)
        {
            Error.WriteLine($"error: {OneLine(user.Message)}");
            return Task.FromResult(user.ExitCode);
        }
        catch (Exception e) when (Find<NativeRuntimeException>(e) is { } native)
        {
            // The machine, not the input: say what to install, without a trace.
            Error.WriteLine($"error: {OneLine(native.Message)}");
            return Task.FromResult(ExitCodes.Unexpected);
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            Error.WriteLine("cancelled; nothing was written");
            return Task.FromResult(ExitCodes.Cancelled);
        }
        catch (Exception e)
        {
            Error.WriteLine($"unexpected error: {OneLine(e.GetBaseException().Message)}");
            Error.WriteLine(parse.GetValue(CommonOptions.Verbose) ? e.ToString() : "rerun with --verbose for the stack trace, and report it as a bug");
            return Task.FromResult(ExitCodes.Unexpected);
        }
    }

    // TorchSharp's static constructor wraps whatever our native loader throws in a TypeInitializationException.
    private static T? Find<T>(Exception? e) where T : Exception
    {
        for (; e is not null; e = e.InnerException)
        {
            if (e is T match)
            {
                return match;
            }
        }

        return null;
    }

    private static string OneLine(string message) => message.ReplaceLineEndings(" ").Trim();
}
