using ModelGate.Core;
using Spectre.Console;

namespace ModelGate.Cli.Rendering;

/// <summary>
/// A live bar with ETA on an interactive terminal (on stderr, so stdout stays the report); one plain line per
/// tensor otherwise, which CI logs keep readable.
/// </summary>
public static class ConsoleProgress
{
    public static async Task<T> RunAsync<T>(TextWriter error, bool interactive, string title, Func<IProgress<WorkProgress>, Task<T>> work)
    {
        if (!interactive)
        {
            return await work(new SynchronousProgress<WorkProgress>(p =>
            {
                if (p.Completed < p.Total)
                {
                    var eta = p.Remaining is { } r ? $", about {r:hh\\:mm\\:ss} left" : "";
                    error.WriteLine($"{title} [{p.Completed + 1}/{p.Total}] {p.Current}{eta}");
                }
            }));
        }

        var console = AnsiConsole.Create(new AnsiConsoleSettings { Out = new AnsiConsoleOutput(error) });
        return await console.Progress()
            .AutoClear(true)
            .Columns(new TaskDescriptionColumn(), new ProgressBarColumn(), new PercentageColumn(), new RemainingTimeColumn(), new SpinnerColumn())
            .StartAsync(async ctx =>
            {
                var task = ctx.AddTask(title);
                return await work(new SynchronousProgress<WorkProgress>(p =>
                {
                    task.MaxValue = Math.Max(1, p.Total);
                    task.Value = p.Completed;
                    task.Description = p.Completed < p.Total ? $"{title} {Markup.Escape(Shorten(p.Current))}" : title;
                }));
            });
    }

    private static string Shorten(string name) => name.Length <= 48 ? name : "…" + name[^47..];
}
