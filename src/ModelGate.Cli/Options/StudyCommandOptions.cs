using System.CommandLine;
using ModelGate.Core.Errors;
using ModelGate.Demo.Study;

namespace ModelGate.Cli.Options;

/// <summary>What <c>study</c> was asked, bound and checked in one place before any work.</summary>
public sealed record StudyCommandOptions
{
    public static readonly Option<string?> Output = new("--output", "-o") { Description = "Folder for study.md, the SVG plots and results.json (replaced once the study is complete)." };
    public static readonly Option<bool> Quick = new("--quick") { Description = "A 2 × 1 × 1 grid on a smaller base with few steps: every section in under a minute, for tests and a first look." };
    public static readonly Option<bool> KeepAdaptersOption = new("--keep-adapters") { Description = "Also keep every trained adapter and model under adapters/ in the output folder (for calibrate)." };

    /// <summary>The output folder, as a full path.</summary>
    public required string OutputFolder { get; init; }

    public required StudySettings Settings { get; init; }
    public bool KeepAdapters { get; init; }

    /// <summary>The command line as the page quotes it: how to reproduce it.</summary>
    public required string CommandLine { get; init; }

    public static StudyCommandOptions Bind(ParseResult parse)
    {
        var output = parse.GetValue(Output);
        if (string.IsNullOrWhiteSpace(output))
        {
            throw new UserInputException(InputField.Output, "missing: give the folder the study's page, plots and results go to");
        }

        var quick = parse.GetValue(Quick);
        var keep = parse.GetValue(KeepAdaptersOption);
        return new StudyCommandOptions
        {
            OutputFolder = Path.GetFullPath(output),
            Settings = quick ? StudySettings.Quick : StudySettings.Full,
            KeepAdapters = keep,
            CommandLine = $"dotnet intruder-gate study --output {output.Replace('\\', '/')}{(quick ? " --quick" : "")}{(keep ? " --keep-adapters" : "")}",
        };
    }
}
