namespace ModelGate.Cli.Tests;

/// <summary>Runs the tool in-process with captured streams, as a user's shell would see it.</summary>
internal static class CliRunner
{
    public static async Task<(int ExitCode, string Out, string Error)> RunAsync(params string[] args)
    {
        var output = new StringWriter();
        var error = new StringWriter();
        var code = await CliApplication.RunAsync(args, new CliContext(output, error, outIsTerminal: false, errorIsTerminal: false));
        return (code, output.ToString(), error.ToString());
    }
}
