using ModelGate.Core.Registries;
using Spectre.Console;

namespace ModelGate.Cli.Rendering;

/// <summary>
/// Downloads from a registry, drawn like <see cref="ConsoleProgress"/>: a live bar (bytes, speed, time left) on an
/// interactive terminal, on stderr; otherwise one line per finished file, which CI logs keep readable.
/// </summary>
public static class DownloadProgress
{
    public static async Task<ResolvedFolder> RunAsync(TextWriter error, bool interactive, string title, Func<IProgress<RegistryProgress>, Task<ResolvedFolder>> work)
    {
        ResolvedFolder result;
        if (!interactive)
        {
            var lastFiles = 0;
            var gate = new object();
            result = await work(new SynchronousProgress<RegistryProgress>(p =>
            {
                lock (gate)
                {
                    if (p.FilesDone > lastFiles)
                    {
                        lastFiles = p.FilesDone;
                        error.WriteLine($"fetch {p.Reference} [{p.FilesDone}/{p.FilesTotal}] {p.CurrentFile} ({Size(p.BytesDone)} of {Size(p.BytesTotal)})");
                    }
                }
            }));
        }
        else
        {
            var console = AnsiConsole.Create(new AnsiConsoleSettings { Out = new AnsiConsoleOutput(error) });
            result = await console.Progress()
                .AutoClear(true)
                .Columns(new TaskDescriptionColumn(), new ProgressBarColumn(), new PercentageColumn(), new DownloadedColumn(), new TransferSpeedColumn(), new RemainingTimeColumn(), new SpinnerColumn())
                .StartAsync(async ctx =>
                {
                    var task = ctx.AddTask(Markup.Escape(Shorten(title)));
                    return await work(new SynchronousProgress<RegistryProgress>(p =>
                    {
                        task.MaxValue = Math.Max(1, p.BytesTotal);
                        task.Value = Math.Min(p.BytesDone, task.MaxValue);
                    }));
                });
        }

        if (result.Statistics.FilesDownloaded > 0)
        {
            error.WriteLine($"fetched {result.Display} → {result.Pinned}: {result.Statistics.FilesDownloaded} files, {Size(result.Statistics.BytesDownloaded)} downloaded, {result.Statistics.FilesReused} already cached");
        }
        else if (result.Pinned != result.Display)
        {
            // A branch or a prefix is not reproducible by itself: say which version this run read.
            error.WriteLine($"resolved {result.Display} → {result.Pinned} (cached)");
        }

        return result;
    }

    private static string Size(long bytes) => bytes switch
    {
        < 1024 => $"{bytes} B",
        < 1024 * 1024 => $"{bytes / 1024.0:0.0} KiB",
        < 1024L * 1024 * 1024 => $"{bytes / 1024.0 / 1024:0.0} MiB",
        _ => $"{bytes / 1024.0 / 1024 / 1024:0.00} GiB",
    };

    private static string Shorten(string name) => name.Length <= 48 ? name : "…" + name[^47..];
}
