using System.Diagnostics;
using System.Globalization;
using System.Reflection;
using ModelGate.Core.Errors;

namespace ModelGate.Cli.Benchmarking;

/// <summary>
/// Runs a command as its own process, as a user would, and measures it from outside: wall time from start to exit and
/// peak RSS, read from <c>/proc/PID/status</c> (VmHWM, the kernel's high-water mark; it only grows, so the last read
/// before exit misses at most the final poll interval). .NET's PeakWorkingSet64 reads the same field but only on demand
/// from a live process, so polling it is no better.
/// </summary>
public static class ChildProcessMeter
{
    private static readonly TimeSpan PollInterval = TimeSpan.FromMilliseconds(20);

    /// <summary>This tool as a command line: the apphost, or <c>dotnet ModelGate.Cli.dll</c> when run through the muxer.</summary>
    public static (string File, IReadOnlyList<string> Prefix) ThisTool()
    {
        var host = Environment.ProcessPath ?? throw new InvalidOperationException("the process path is unknown");
        var entry = Assembly.GetEntryAssembly()?.Location;
        return Path.GetFileNameWithoutExtension(host) == "dotnet" && entry is { Length: > 0 } ? (host, [entry]) : (host, []);
    }

    public static async Task<MeasuredRun> RunAsync(string title, string file, IEnumerable<string> arguments,
        IReadOnlyDictionary<string, string>? environment, CancellationToken cancellationToken)
    {
        var info = new ProcessStartInfo(file) { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        foreach (var a in arguments)
        {
            info.ArgumentList.Add(a);
        }

        foreach (var (k, v) in environment ?? new Dictionary<string, string>())
        {
            info.Environment[k] = v;
        }

        var clock = Stopwatch.StartNew();
        using var process = Process.Start(info) ?? throw new InvalidOperationException($"cannot start {file}");
        var output = process.StandardOutput.ReadToEndAsync(cancellationToken);
        var error = process.StandardError.ReadToEndAsync(cancellationToken);
        long peak = 0;
        try
        {
            while (!process.HasExited)
            {
                peak = Math.Max(peak, PeakRss(process.Id));
                using var tick = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
                tick.CancelAfter(PollInterval);
                try
                {
                    await process.WaitForExitAsync(tick.Token);
                }
                catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
                {
                }
            }
        }
        catch (OperationCanceledException)
        {
            process.Kill(entireProcessTree: true);
            throw;
        }

        await process.WaitForExitAsync(CancellationToken.None);
        clock.Stop();
        var text = await output + await error;
        return new MeasuredRun(title, clock.Elapsed, peak, process.ExitCode, text);
    }

    /// <summary>VmHWM in bytes; 0 when the process is gone or this is not Linux.</summary>
    private static long PeakRss(int pid)
    {
        try
        {
            foreach (var line in File.ReadLines($"/proc/{pid}/status"))
            {
                if (line.StartsWith("VmHWM:", StringComparison.Ordinal))
                {
                    var kb = line["VmHWM:".Length..].Trim().Split(' ')[0];
                    return long.Parse(kb, CultureInfo.InvariantCulture) * 1024;
                }
            }
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or FormatException)
        {
        }

        return 0;
    }

    /// <summary>A failed child is a broken measurement: say which and show the end of what it printed.</summary>
    public static MeasuredRun Succeeded(MeasuredRun run, params int[] allowedExitCodes)
    {
        if (run.ExitCode == 0 || allowedExitCodes.Contains(run.ExitCode))
        {
            return run;
        }

        var tail = run.Output.Length > 2000 ? run.Output[^2000..] : run.Output;
        throw new UserInputException($"bench: '{run.Title}' exited with {run.ExitCode}:\n{tail}");
    }
}
