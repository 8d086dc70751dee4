using System.Diagnostics;
using System.Text;
using ModelGate.Testing.Packaging;

namespace ModelGate.Cli.Tests;

/// <summary>
/// The tool as a real child process (<c>dotnet dotnet-intruder-gate.dll ...</c>), for what only a process can show:
/// a signal, a kill. Stderr is collected line by line so a test can wait for the work to have started.
/// </summary>
internal sealed class CliProcess : IDisposable
{
    private readonly Process process;
    private readonly StringBuilder error = new();
    private readonly List<(Func<string, bool> Match, TaskCompletionSource Seen)> waits = [];

    private CliProcess(Process process) => this.process = process;

    public int Id => process.Id;

    public string Error
    {
        get
        {
            lock (error)
            {
                return error.ToString();
            }
        }
    }

    public static CliProcess Start(string workingDirectory, params string[] args) =>
        Start(workingDirectory, new Dictionary<string, string>(), args);

    public static CliProcess Start(string workingDirectory, IReadOnlyDictionary<string, string> environment, params string[] args)
    {
        // A job started in the background by a non-interactive shell ignores SIGINT, and so would the tool, which inherits
        // that; env resets it (and execs, keeping the pid), so a test run from such a job still sees what a terminal does.
        var start = new ProcessStartInfo(OperatingSystem.IsLinux() ? "env" : ChildProcess.DotNet)
        {
            WorkingDirectory = workingDirectory,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        foreach (var (name, value) in environment)
        {
            start.Environment[name] = value;
        }

        if (OperatingSystem.IsLinux())
        {
            start.ArgumentList.Add("--default-signal=INT");
            start.ArgumentList.Add(ChildProcess.DotNet);
        }

        start.ArgumentList.Add(Path.Combine(AppContext.BaseDirectory, "dotnet-intruder-gate.dll"));
        foreach (var arg in args)
        {
            start.ArgumentList.Add(arg);
        }

        var cli = new CliProcess(new Process { StartInfo = start });
        cli.process.ErrorDataReceived += (_, e) => cli.OnError(e.Data);
        cli.process.OutputDataReceived += (_, _) => { };
        cli.process.Start();
        cli.process.BeginErrorReadLine();
        cli.process.BeginOutputReadLine();
        return cli;
    }

    /// <summary>Completes when a stderr line matches; fails when the process exits first or the deadline passes.</summary>
    public async Task WaitForErrorLineAsync(Func<string, bool> match, TimeSpan deadline)
    {
        var seen = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        lock (error)
        {
            if (error.ToString().Split('\n').Any(match))
            {
                return;
            }

            waits.Add((match, seen));
        }

        var exited = process.WaitForExitAsync();
        var first = await Task.WhenAny(seen.Task, exited).WaitAsync(deadline);
        if (first != seen.Task)
        {
            Assert.Fail($"the tool exited ({process.ExitCode}) before the expected line:\n{Error}");
        }
    }

    /// <summary>Sends a signal the way a terminal or a job runner does (Process.Kill can only send SIGKILL).</summary>
    public void Signal(string name)
    {
        using var kill = Process.Start(new ProcessStartInfo("kill", ["-" + name, Id.ToString(System.Globalization.CultureInfo.InvariantCulture)]) { UseShellExecute = false })!;
        kill.WaitForExit();
        Assert.Equal(0, kill.ExitCode);
    }

    public void KillHard() => process.Kill();

    public async Task<int> WaitForExitAsync(TimeSpan deadline)
    {
        await process.WaitForExitAsync().WaitAsync(deadline);
        process.WaitForExit(); // drains the asynchronous readers
        return process.ExitCode;
    }

    public void Dispose()
    {
        if (!process.HasExited)
        {
            process.Kill(entireProcessTree: true);
        }

        process.Dispose();
    }

    private void OnError(string? line)
    {
        if (line is null)
        {
            return;
        }

        lock (error)
        {
            error.AppendLine(line);
            foreach (var wait in waits.Where(w => w.Match(line)).ToList())
            {
                wait.Seen.TrySetResult();
                waits.Remove(wait);
            }
        }
    }
}
