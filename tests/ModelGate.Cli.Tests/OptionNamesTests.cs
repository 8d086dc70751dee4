using System.CommandLine;
using ModelGate.Cli.Options;
using ModelGate.Core.Errors;
using ModelGate.Testing;

namespace ModelGate.Cli.Tests;

public sealed class OptionNamesTests
{
    [Fact]
    public void Of_EveryFieldCoreNames_IsAFlagSomeVerbTakes()
    {
        var root = CliApplication.CreateRootCommand(new CliContext(TextWriter.Null, TextWriter.Null, false, false));
        var flags = Commands(root).SelectMany(c => c.Options).SelectMany(o => o.Aliases.Append(o.Name)).ToHashSet(StringComparer.Ordinal);

        var unknown = InputField.All.Where(f => !flags.Contains(OptionNames.Of(f).Split(' ')[0])).Select(f => $"{f.Key} → {OptionNames.Of(f)}").ToList();

        Assert.Empty(unknown);
    }

    [Fact]
    public async Task Mitigate_LambdaOutOfRange_SaysItOfTheFlagTyped()
    {
        using var dir = new TempDirectory();

        var (code, _, stderr) = await CliRunner.RunAsync("mitigate", "--base", dir.Path, "--adapter", dir.Path, "--lambda", "1.5", "--dry-run", "--device", "cpu");

        Assert.Equal(2, code);
        Assert.Equal("error: --lambda must be between 0 and 1, got 1.5", stderr.Trim());
    }

    private static IEnumerable<Command> Commands(Command command) => command.Subcommands.SelectMany(Commands).Prepend(command);
}
