using Spectre.Console;

namespace ModelGate.Cli.Rendering;

/// <summary>
/// A Spectre console over a writer: colours and the terminal's width on a terminal; plain text, 200 columns wide,
/// when the output goes to a file, a pipe or a CI log, so tables are neither wrapped nor full of escape codes.
/// </summary>
public static class OutputConsole
{
    public static IAnsiConsole Create(TextWriter writer, bool isTerminal)
    {
        var console = AnsiConsole.Create(new AnsiConsoleSettings
        {
            Out = new AnsiConsoleOutput(writer),
            Ansi = isTerminal ? AnsiSupport.Detect : AnsiSupport.No,
            ColorSystem = isTerminal ? ColorSystemSupport.Detect : ColorSystemSupport.NoColors,
            Interactive = InteractionSupport.No,
        });
        if (!isTerminal)
        {
            console.Profile.Width = 200;
        }

        return console;
    }
}
