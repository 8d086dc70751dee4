using System.IO.Enumeration;
using ModelGate.Testing.Packaging;

namespace ModelGate.Action.Tests;

/// <summary>
/// Runs a workflow's jobs as GitHub would, on this machine: the jobs in the order their `needs` allow, each matrix
/// entry as its own job with a fresh workspace and RUNNER_TEMP, `run:` steps through <see cref="RunnerShell"/>,
/// the Action (named by <paramref name="actionRef"/>) through <see cref="CompositeActionRunner"/>, artifacts
/// uploaded and downloaded through a folder shared by the run, and checkout a clone of <paramref name="repository"/>.
/// setup-dotnet and cache are skipped (the SDK is here; a cold cache is what a first run has); any other `uses:`
/// or expression fails, so nothing runs unmodelled.
/// </summary>
internal sealed class WorkflowRunner(Workflow workflow, string actionRef, CompositeAction action, string repository, string folder)
{
    private static readonly string[] Skipped = ["actions/setup-dotnet@", "actions/cache@"];

    public async Task<IReadOnlyList<JobRun>> RunAsync(IReadOnlyDictionary<string, string> githubEnvironment, TimeSpan stepTimeout)
    {
        var artifacts = Directory.CreateDirectory(Path.Combine(folder, "artifacts")).FullName;
        var runs = new List<JobRun>();
        foreach (var job in workflow.Jobs)
        {
            var unmet = job.Needs.Where(n => !runs.Any(r => r.JobId == n) || runs.Any(r => r.JobId == n && r.Failed)).ToList();
            if (unmet.Count > 0)
            {
                throw new InvalidOperationException($"job {job.Id} needs {string.Join(", ", unmet)}, which did not run or failed:\n{string.Join("\n", runs.Select(r => r.Log))}");
            }

            foreach (var entry in Entries(job.Matrix))
            {
                runs.Add(await RunJobAsync(job, entry, artifacts, githubEnvironment, stepTimeout));
            }
        }

        return runs;
    }

    private async Task<JobRun> RunJobAsync(WorkflowJob job, IReadOnlyDictionary<string, string> matrix, string artifacts, IReadOnlyDictionary<string, string> githubEnvironment, TimeSpan stepTimeout)
    {
        var jobFolder = Path.Combine(folder, $"{job.Id}-{string.Join("-", matrix.Values)}");
        var workspace = Directory.CreateDirectory(Path.Combine(jobFolder, "workspace")).FullName;
        var runnerTemp = Directory.CreateDirectory(Path.Combine(jobFolder, "runner-temp")).FullName;
        var summary = Path.Combine(jobFolder, "step-summary.md");
        await File.WriteAllTextAsync(summary, "");
        var stepOutputs = new Dictionary<string, IReadOnlyDictionary<string, string>>();

        string Resolve(string expression) => expression.Split('.') switch
        {
            ["matrix", var name] => matrix[name],
            ["env", var name] => workflow.Env[name],
            ["runner", "os"] => "Linux",
            ["runner", "temp"] => runnerTemp,
            ["steps", var id, "outputs", var name] => stepOutputs.TryGetValue(id, out var outputs) ? outputs.GetValueOrDefault(name, "") : "",
            _ => throw new InvalidDataException($"expression the workflow runner does not model: ${{{{ {expression} }}}}"),
        };

        var environment = new Dictionary<string, string>(githubEnvironment)
        {
            ["GITHUB_JOB"] = job.Id,
            ["GITHUB_WORKSPACE"] = workspace,
            ["RUNNER_TEMP"] = runnerTemp,
            ["GITHUB_STEP_SUMMARY"] = summary,
        };
        foreach (var (key, value) in workflow.Env)
        {
            environment[key] = CompositeAction.Evaluate(value, Resolve);
        }

        var results = new List<StepRun>();
        var extraPath = new List<string>();
        ActionRun? actionRun = null;
        for (var index = 0; index < job.Steps.Count; index++)
        {
            var step = job.Steps[index];
            var with = step.With.ToDictionary(w => w.Key, w => step.Uses is { } uses && Skipped.Any(uses.StartsWith) ? w.Value : CompositeAction.Evaluate(w.Value, Resolve));
            StepRun run;
            if (step.Uses is { } used && Skipped.Any(used.StartsWith))
            {
                run = new StepRun(step, Skipped: true, 0, "", "", new Dictionary<string, string>());
            }
            else if (step.Uses?.StartsWith("actions/checkout@", StringComparison.Ordinal) == true)
            {
                var clone = await ChildProcess.RunAsync("git", ["clone", "--quiet", repository, workspace], jobFolder, timeout: stepTimeout);
                run = new StepRun(step, Skipped: false, clone.ExitCode, clone.Output, "", new Dictionary<string, string>());
            }
            else if (step.Uses?.StartsWith("actions/upload-artifact@", StringComparison.Ordinal) == true)
            {
                run = Upload(step, with, workspace, artifacts);
            }
            else if (step.Uses?.StartsWith("actions/download-artifact@", StringComparison.Ordinal) == true)
            {
                run = Download(step, with, workspace, artifacts);
            }
            else if (step.Uses == actionRef)
            {
                actionRun = await new CompositeActionRunner(action, Directory.CreateDirectory(Path.Combine(jobFolder, $"step-{index}")).FullName).RunAsync(with, environment, stepTimeout);
                run = new StepRun(step, Skipped: false, actionRun.Failed ? actionRun.Steps[^1].ExitCode : 0, "", "", actionRun.Outputs);
            }
            else if (step.Uses is not null)
            {
                throw new InvalidDataException($"job {job.Id}: `uses: {step.Uses}` is not modelled");
            }
            else
            {
                var stepEnvironment = new Dictionary<string, string>(environment);
                foreach (var (key, value) in step.Env)
                {
                    stepEnvironment[key] = CompositeAction.Evaluate(value, Resolve);
                }

                (run, var addedPath) = await RunnerShell.RunAsync(step, Path.Combine(jobFolder, $"step-{index}"), workspace, stepEnvironment, extraPath, stepTimeout);
                extraPath.AddRange(addedPath);
            }

            if (step.Id is not null)
            {
                stepOutputs[step.Id] = run.Outputs;
            }

            results.Add(run);
            if (run.ExitCode != 0)
            {
                return new JobRun(job.Id, matrix, results, actionRun, Failed: true);
            }
        }

        return new JobRun(job.Id, matrix, results, actionRun, Failed: false);
    }

    /// <summary>upload-artifact@v4: one file (or glob) under a name no other job of the run may take.</summary>
    private static StepRun Upload(ActionStep step, IReadOnlyDictionary<string, string> with, string workspace, string artifacts)
    {
        var target = Path.Combine(artifacts, with["name"]);
        if (Directory.Exists(target))
        {
            return new StepRun(step, Skipped: false, 1, "", $"an artifact named {with["name"]} exists already", new Dictionary<string, string>());
        }

        var files = Directory.EnumerateFiles(workspace, "*", SearchOption.AllDirectories)
            .Where(f => FileSystemName.MatchesSimpleExpression(with["path"], Path.GetRelativePath(workspace, f))).ToList();
        if (files.Count == 0)
        {
            return new StepRun(step, Skipped: false, with.GetValueOrDefault("if-no-files-found") == "error" ? 1 : 0, "", $"no files found at {with["path"]}", new Dictionary<string, string>());
        }

        Directory.CreateDirectory(target);
        foreach (var file in files)
        {
            File.Copy(file, Path.Combine(target, Path.GetFileName(file)));
        }

        return new StepRun(step, Skipped: false, 0, $"uploaded {files.Count} file(s) as {with["name"]}", "", new Dictionary<string, string>());
    }

    /// <summary>download-artifact@v4: the artifacts whose name matches `pattern`, into `path` (merged, or a folder per artifact).</summary>
    private static StepRun Download(ActionStep step, IReadOnlyDictionary<string, string> with, string workspace, string artifacts)
    {
        var merge = with.GetValueOrDefault("merge-multiple") == "true";
        var names = Directory.EnumerateDirectories(artifacts).Select(Path.GetFileName).Where(n => FileSystemName.MatchesSimpleExpression(with["pattern"], n!)).ToList();
        foreach (var name in names)
        {
            var target = Directory.CreateDirectory(Path.Combine(workspace, with["path"], merge ? "" : name!)).FullName;
            foreach (var file in Directory.EnumerateFiles(Path.Combine(artifacts, name!)))
            {
                File.Copy(file, Path.Combine(target, Path.GetFileName(file)), overwrite: true);
            }
        }

        return new StepRun(step, Skipped: false, 0, $"downloaded {names.Count} artifact(s)", "", new Dictionary<string, string>());
    }

    private static IEnumerable<IReadOnlyDictionary<string, string>> Entries(IReadOnlyDictionary<string, IReadOnlyList<string>> matrix)
    {
        IEnumerable<IReadOnlyDictionary<string, string>> entries = [new Dictionary<string, string>()];
        foreach (var (variable, values) in matrix)
        {
            entries = entries.SelectMany(e => values.Select(v => (IReadOnlyDictionary<string, string>)new Dictionary<string, string>(e) { [variable] = v })).ToList();
        }

        return entries;
    }
}
