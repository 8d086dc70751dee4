using System.CommandLine;
using Microsoft.Extensions.DependencyInjection;
using ModelGate.Cli.Hosting;
using ModelGate.Cli.Options;
using ModelGate.Cli.Rendering;
using ModelGate.Core.Calibration;
using ModelGate.Core.Forgetting;
using ModelGate.Core.Gating;
using ModelGate.Core.IO;
using ModelGate.Core.Reporting;

namespace ModelGate.Cli.Commands;

/// <summary>
/// <c>calibrate</c>: measures intruder counts and forgetting of a set of adapters (past releases, a training grid),
/// fits the intruder levels that best predict forgetting, and writes a policy that runs the benchmark only when a count calls for it.
/// </summary>
public static class CalibrateCommand
{
    public static Command Create(CliContext context)
    {
        var command = new Command("calibrate", "Fit intruder levels that predict forgetting on a set of adapters; write the calibrated policy and a report.")
        {
            SharedOptions.Base, SharedOptions.Adapters, CalibrateCommandOptions.AdaptersFrom, SharedOptions.Corpus, SharedOptions.Tasks,
            GateCommandOptions.Policy, CalibrateCommandOptions.PolicyOut, CalibrateCommandOptions.Report, SharedOptions.K, SharedOptions.Epsilon,
            SharedOptions.Modules, SharedOptions.Method, SharedOptions.Tolerance, SharedOptions.Spectra, SharedOptions.Format, SharedOptions.Output,
        };
        command.SetAction((parse, ct) => context.RunAsync(parse, async host =>
        {
            var options = CalibrateCommandOptions.Bind(parse, host);
            RunPaths.Guard(parse, host)
                .Reads(ModelLocations.LocalPath(options.Base), "the --base model folder")
                .Reads(ModelLocations.LocalPaths(options.Adapters), "the --adapter folder")
                .Reads(ModelLocations.LocalPath(options.Policy.Forgetting.Corpus), "the --corpus")
                .Reads(ForgettingDataLocations.LocalTaskFiles(options.Policy.Forgetting.Tasks), "the --tasks file")
                .WritesFile(options.PolicyOutput, "--policy-out")
                .WritesFolder(options.ReportFolder, "--report")
                .WritesFile(options.ReportFolder is null ? options.ReportFiles?.Markdown : null, "--report")
                .WritesFile(options.ReportFolder is null ? options.ReportFiles?.Html : null, "--report")
                .WritesFile(options.Output, "--output")
                .Check();
            var baseModel = await ModelLocations.ResolveBaseAsync(context, parse, host, options.Base, options.Analysis.Spectra, everyWeight: true, ct); // the forgetting benchmark runs the whole model
            var adapters = await ModelLocations.ResolveAllAsync(context, parse, host, [.. options.Adapters], ct);
            var fetched = await ForgettingDataLocations.FetchPolicyDataAsync(context, parse, host, options.Policy.Forgetting, ct);
            var runner = host.Services.GetRequiredService<CalibrationRunner>();
            var request = new CalibrationRequest
            {
                BaseModel = baseModel, Adapters = adapters, Policy = options.Policy, AnalysisSettings = options.Analysis, Device = options.Device, FetchedData = fetched,
            };
            var result = await ConsoleProgress.RunAsync(context.Error, context.ErrorIsTerminal, "calibrate", progress => runner.RunAsync(request, progress, ct));
            foreach (var warning in result.Warnings)
            {
                context.Error.WriteLine($"warning: {warning}");
            }

            if (options.PolicyOutput is { } policyOut)
            {
                var forgetting = options.Policy.Forgetting;
                var calibrated = ThresholdCalibration.Apply(options.Policy, result, RelativeTo(policyOut, forgetting.Corpus), [.. forgetting.Tasks.Select(t => TaskRelativeTo(policyOut, t))]);
                AtomicFile.WriteAllText(policyOut, GatePolicyJson.Serialize(calibrated));
            }

            if (options.ReportFiles is { } files)
            {
                if (options.ReportFolder is { } folder)
                {
                    Directory.CreateDirectory(folder);
                }

                var markdown = CalibrationReportMarkdown.Render(result);
                AtomicFile.WriteAllText(files.Markdown, markdown);
                AtomicFile.WriteAllText(files.Html, CalibrationReportHtml.Render(result, markdown));
            }

            ReportWriter.Write(result, options.Format, options.Output, context.Out, context.OutIsTerminal);
            return ExitCodes.Ok;
        }, ct));
        return command;
    }

    /// <summary>
    /// A data path as the written policy should name it: relative to the policy file's folder, where the gate looks for
    /// it; a registry URI as it is.
    /// </summary>
    private static string? RelativeTo(string policyFile, string? path) =>
        path is null || ModelLocations.LocalPath(path) is not { } local ? path : Path.GetRelativePath(Path.GetDirectoryName(Path.GetFullPath(policyFile))!, Path.GetFullPath(local));

    /// <summary>A task entry with its local file made relative as <see cref="RelativeTo"/> does; a bare task name as it is.</summary>
    private static string TaskRelativeTo(string policyFile, string entry)
    {
        var task = TaskReference.Parse(entry);
        if (!ForgettingDataLocations.LocalTaskFiles([entry]).Any())
        {
            return entry;
        }

        var path = RelativeTo(policyFile, task.Path)!;
        return task.Name is { } name ? $"{name}={path}" : path;
    }
}
