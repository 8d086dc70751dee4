using System.CommandLine;
using Microsoft.Extensions.Hosting;
using ModelGate.Cli.Hosting;
using ModelGate.Core.Errors;
using ModelGate.Core.IO;
using ModelGate.Core.Registries;
using ModelGate.GitHub.Actions;
using ModelGate.Torch.Runtime;

namespace ModelGate.Cli;

/// <summary>
/// What verbs share: the output streams and the one error boundary. A user error (storage refusing a write included)
/// is one line and exit 2; Ctrl+C is exit 130; anything else is a bug, exit 3, with the trace only under --verbose.
/// </summary>
public sealed class CliContext(TextWriter output, TextWriter error, bool outIsTerminal, bool errorIsTerminal)
{
    public TextWriter Out { get; } = output;
    public TextWriter Error { get; } = error;
    public bool OutIsTerminal { get; } = outIsTerminal;
    public bool ErrorIsTerminal { get; } = errorIsTerminal;

    /// <summary>The GitHub Actions variables the GitHub sinks read (this process's; tests hand in a simulated run).</summary>
    public ActionsEnvironment GitHubEnvironment { get; init; } = ActionsEnvironment.FromProcess();

    public Task<int> RunAsync(ParseResult parse, Func<IHost, int> verb, CancellationToken cancellationToken) =>
        RunAsync(parse, host => Task.FromResult(verb(host)), cancellationToken);

    /// <summary>The same boundary for verbs that await (registry downloads, uploads).</summary>
    public async Task<int> RunAsync(ParseResult parse, Func<IHost, Task<int>> verb, CancellationToken cancellationToken)
    {
        try
        {
            using var host = CliHost.Build(parse, this);
            return await verb(host);
        }
        catch (Exception e) when (Find<UserInputException>(e) is { } user)
        {
            Error.WriteLine($"error: {OneLine(user.MessageNaming(Options.OptionNames.Of))}");
            return UserInputException.BadInputExitCode;
        }
        catch (Exception e) when (Find<NativeRuntimeException>(e) is { } native)
        {
            // The machine, not the input: say what to install, without a trace.
            Error.WriteLine($"error: {OneLine(native.Message)}");
            return ExitCodes.Unexpected;
        }
        catch (Exception e) when (Find<RegistryUnavailableException>(e) is { } registry)
        {
            // A registry that stayed down through every retry: not a bug, and the message names the URI (redacted).
            Error.WriteLine($"error: {OneLine(registry.Message)}");
            return ExitCodes.Unexpected;
        }
        catch (Exception e) when (WriteRefusal.Reason(e) is { } reason)
        {
            // The storage said no (no permission, read-only, full) somewhere no check could foresee: the user's to fix.
            Error.WriteLine($"error: {reason}: {OneLine(SecretRedaction.Redact(e.GetBaseException().Message))}");
            return ExitCodes.BadInput;
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            Error.WriteLine("cancelled; nothing was written");
            return ExitCodes.Cancelled;
        }
        catch (Exception e)
        {
            Error.WriteLine($"unexpected error: {OneLine(SecretRedaction.Redact(e.GetBaseException().Message))}");
            Error.WriteLine(parse.GetValue(CommonOptions.Verbose) ? SecretRedaction.Redact(e.ToString()) : "rerun with --verbose for the stack trace, and report it as a bug");
            return ExitCodes.Unexpected;
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

    // A message can quote the user's own text (a key, a JSON value, a label): a hostile file must not turn the one
    // error line into 64 KB of terminal output.
    private const int MaxMessageChars = 1000;

    internal static string OneLine(string message)
    {
        var line = message.ReplaceLineEndings(" ").Trim();
        return line.Length <= MaxMessageChars ? line : $"{line[..MaxMessageChars]}… ({line.Length - MaxMessageChars} more characters)";
    }
}
