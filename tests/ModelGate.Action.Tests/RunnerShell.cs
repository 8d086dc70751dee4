using System.Diagnostics;
using System.Text;
using ModelGate.Testing.GitHub;

namespace ModelGate.Action.Tests;

/// <summary>
/// One `run:` step as the runner executes it: the script in a file under `bash --noprofile --norc -eo pipefail`,
/// only the given environment of GitHub's (none of a real run this test may sit in), a fresh GITHUB_OUTPUT and
/// GITHUB_PATH read back afterwards. Shared by the composite action and the workflow runners.
/// </summary>
internal static class RunnerShell
{
    /// <summary>Runs <paramref name="step"/>'s script in <paramref name="folder"/>; returns the step's result and the lines it added to GITHUB_PATH.</summary>
    public static async Task<(StepRun Run, IReadOnlyList<string> AddedPath)> RunAsync(
        ActionStep step, string folder, string workingDirectory, IReadOnlyDictionary<string, string> environment, IReadOnlyList<string> extraPath, TimeSpan timeout)
    {
        if (step.Shell != "bash" || step.Run is null)
        {
            throw new InvalidDataException($"step {step.Id ?? step.Name}: only `shell: bash` run steps are modelled");
        }

        if (CompositeAction.HasExpression(step.Run))
        {
            throw new InvalidDataException($"step {step.Id ?? step.Name}: an expression inside run: could inject shell; pass it through env");
        }

        Directory.CreateDirectory(folder);
        var script = Path.Combine(folder, "script.sh");
        await File.WriteAllTextAsync(script, step.Run, new UTF8Encoding(false));
        var outputFile = Path.Combine(folder, "output");
        var pathFile = Path.Combine(folder, "path");
        await File.WriteAllTextAsync(outputFile, "");
        await File.WriteAllTextAsync(pathFile, "");

        var start = new ProcessStartInfo("bash") { WorkingDirectory = workingDirectory, RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (var arg in (string[])["--noprofile", "--norc", "-eo", "pipefail", script])
        {
            start.ArgumentList.Add(arg);
        }

        // The machine's variables (PATH, DOTNET_ROOT, HOME), none of a real GitHub run this test may sit in.
        foreach (var key in start.Environment.Keys.Where(k => k.StartsWith("GITHUB_", StringComparison.Ordinal) || k.StartsWith("RUNNER_", StringComparison.Ordinal) || k.StartsWith("INPUT_", StringComparison.Ordinal)).ToList())
        {
            start.Environment.Remove(key);
        }

        foreach (var (key, value) in environment)
        {
            start.Environment[key] = value;
        }

        start.Environment["GITHUB_OUTPUT"] = outputFile;
        start.Environment["GITHUB_PATH"] = pathFile;
        if (extraPath.Count > 0)
        {
            start.Environment["PATH"] = string.Join(':', extraPath.AsEnumerable().Reverse()) + ":" + start.Environment["PATH"];
        }

        using var process = Process.Start(start)!;
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        using var cancel = new CancellationTokenSource(timeout);
        try
        {
            await process.WaitForExitAsync(cancel.Token);
        }
        catch (OperationCanceledException)
        {
            process.Kill(entireProcessTree: true);
            throw new TimeoutException($"step {step.Id ?? step.Name} ran past {timeout}; output so far: {await stdout}{await stderr}");
        }

        var outputs = OutputFile.Parse(await File.ReadAllTextAsync(outputFile));
        var added = (await File.ReadAllLinesAsync(pathFile)).Where(l => l.Length > 0).ToList();
        return (new StepRun(step, Skipped: false, process.ExitCode, await stdout, await stderr, outputs), added);
    }
}
