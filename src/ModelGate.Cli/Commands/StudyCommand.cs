using System.CommandLine;
using System.Diagnostics;
using Microsoft.Extensions.DependencyInjection;
using ModelGate.Cli.Hosting;
using ModelGate.Cli.Options;
using ModelGate.Core.IO;
using ModelGate.Demo.Study;

namespace ModelGate.Cli.Commands;

/// <summary>
/// <c>study</c>: trains the LoRA / full fine-tune / chain / repair grid on the forgetting demo, checks the paper's
/// findings on it and writes the page, plots and results the built-in policy's levels are derived from (docs/study).
/// </summary>
public static class StudyCommand
{
    public static Command Create(CliContext context)
    {
        var command = new Command("study", "Train the intruder study's grid on the forgetting demo and write study.md, SVG plots and results.json.")
        {
            StudyCommandOptions.Output, StudyCommandOptions.Quick, StudyCommandOptions.KeepAdaptersOption,
        };
        command.SetAction((parse, ct) => context.RunAsync(parse, async host =>
        {
            var options = StudyCommandOptions.Bind(parse);
            RunPaths.Guard(parse, host).WritesFolder(options.OutputFolder, "--output").Check();
            var grid = ActivatorUtilities.CreateInstance<StudyGrid>(host.Services);
            // Trained next to the output so that kept adapters move into it by a rename; removed whatever happens.
            var work = Path.Combine(Path.GetDirectoryName(options.OutputFolder)!, $".study-{Guid.NewGuid():N}");
            var clock = Stopwatch.StartNew();
            try
            {
                var results = await grid.RunAsync(options.Settings, work, new Progress(context.Error), ct);
                StagedFolder.Write(options.OutputFolder, replace: true, staging =>
                {
                    StudyPage.Write(staging, results, options.CommandLine, clock.Elapsed);
                    if (options.KeepAdapters)
                    {
                        Directory.Move(work, Path.Combine(staging, "adapters"));
                    }
                });
                context.Error.WriteLine($"study written to {options.OutputFolder} in {clock.Elapsed.TotalMinutes:0.0} minutes");
                return ExitCodes.Ok;
            }
            finally
            {
                if (Directory.Exists(work))
                {
                    Directory.Delete(work, recursive: true);
                }
            }
        }, ct));
        return command;
    }

    /// <summary>One line per stage on stderr, on the caller's thread.</summary>
    private sealed class Progress(TextWriter error) : IProgress<string>
    {
        public void Report(string value) => error.WriteLine(value);
    }
}
