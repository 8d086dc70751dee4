using System.Diagnostics;
using System.Text;
using ModelGate.Testing.GitHub;

namespace ModelGate.Action.Tests;

/// <summary>
/// Runs a composite action's `run:` steps the way the runner does: each script in a file under
/// `bash --noprofile --norc -eo pipefail`, inputs and step outputs substituted into the steps' env, a fresh
/// GITHUB_OUTPUT per step read back with the runner's rules, GITHUB_PATH honoured for later steps, the first
/// failing step ending the run. `uses:` steps (setup-dotnet) are skipped: the SDK is already here.
/// </summary>
internal sealed class CompositeActionRunner(CompositeAction action, string workFolder)
{
    public async Task<ActionRun> RunAsync(IReadOnlyDictionary<string, string> inputs, IReadOnlyDictionary<string, string> githubEnvironment, TimeSpan timeout)
    {
        var unknown = inputs.Keys.Where(k => !action.Inputs.ContainsKey(k)).ToList();
        if (unknown.Count > 0)
        {
            throw new ArgumentException($"inputs action.yml does not declare: {string.Join(", ", unknown)}");
        }

        var runnerTemp = githubEnvironment["RUNNER_TEMP"];
        var stepOutputs = new Dictionary<string, IReadOnlyDictionary<string, string>>();
        var extraPath = new List<string>();
        var results = new List<StepRun>();

        string Resolve(string expression)
        {
            var parts = expression.Split('.');
            return parts switch
            {
                ["inputs", var name] => inputs.TryGetValue(name, out var given)
                    ? given
                    : action.Inputs.TryGetValue(name, out var input)
                        ? input.Required ? throw new ArgumentException($"required input '{name}' not given") : CompositeAction.Evaluate(input.Default ?? "", Resolve)
                        : throw new InvalidDataException($"expression uses undeclared input '{name}'"),
                ["steps", var id, "outputs", var name] => stepOutputs.TryGetValue(id, out var outputs) ? outputs.GetValueOrDefault(name, "") : "",
                ["github", "token"] => githubEnvironment.GetValueOrDefault("GITHUB_TOKEN", ""),
                ["runner", "temp"] => runnerTemp,
                _ => throw new InvalidDataException($"expression the test runner does not model: ${{{{ {expression} }}}}"),
            };
        }

        var failed = false;
        for (var index = 0; index < action.Steps.Count; index++)
        {
            var step = action.Steps[index];
            if (step.Uses is not null)
            {
                results.Add(new StepRun(step, Skipped: true, 0, "", "", new Dictionary<string, string>()));
                continue;
            }

            if (step.Shell != "bash" || step.Run is null)
            {
                throw new InvalidDataException($"step {step.Id ?? step.Name}: only `shell: bash` run steps are modelled");
            }

            if (CompositeAction.HasExpression(step.Run))
            {
                throw new InvalidDataException($"step {step.Id ?? step.Name}: an expression inside run: could inject shell; pass it through env");
            }

            var folder = Path.Combine(workFolder, $"step-{index}");
            Directory.CreateDirectory(folder);
            var script = Path.Combine(folder, "script.sh");
            await File.WriteAllTextAsync(script, step.Run, new UTF8Encoding(false));
            var outputFile = Path.Combine(folder, "output");
            var pathFile = Path.Combine(folder, "path");
            await File.WriteAllTextAsync(outputFile, "");
            await File.WriteAllTextAsync(pathFile, "");

            var start = new ProcessStartInfo("bash") { WorkingDirectory = githubEnvironment["GITHUB_WORKSPACE"], RedirectStandardOutput = true, RedirectStandardError = true };
            foreach (var arg in (string[])["--noprofile", "--norc", "-eo", "pipefail", script])
            {
                start.ArgumentList.Add(arg);
            }

            // The machine's variables (PATH, DOTNET_ROOT, HOME), none of a real GitHub run this test may sit in.
            foreach (var key in start.Environment.Keys.Where(k => k.StartsWith("GITHUB_", StringComparison.Ordinal) || k.StartsWith("RUNNER_", StringComparison.Ordinal) || k.StartsWith("INPUT_", StringComparison.Ordinal)).ToList())
            {
                start.Environment.Remove(key);
            }

            foreach (var (key, value) in githubEnvironment)
            {
                start.Environment[key] = value;
            }

            start.Environment["GITHUB_OUTPUT"] = outputFile;
            start.Environment["GITHUB_PATH"] = pathFile;
            if (extraPath.Count > 0)
            {
                start.Environment["PATH"] = string.Join(':', extraPath.AsEnumerable().Reverse()) + ":" + start.Environment["PATH"];
            }

            foreach (var (key, value) in step.Env)
            {
                start.Environment[key] = CompositeAction.Evaluate(value, Resolve);
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
                throw new TimeoutException($"step {step.Id} ran past {timeout}; output so far: {await stdout}{await stderr}");
            }

            var outputs = OutputFile.Parse(await File.ReadAllTextAsync(outputFile));
            if (step.Id is not null)
            {
                stepOutputs[step.Id] = outputs;
            }

            extraPath.AddRange((await File.ReadAllLinesAsync(pathFile)).Where(l => l.Length > 0));
            results.Add(new StepRun(step, Skipped: false, process.ExitCode, await stdout, await stderr, outputs));
            if (process.ExitCode != 0)
            {
                failed = true;
                break;
            }
        }

        var actionOutputs = action.Outputs.ToDictionary(o => o.Key, o => CompositeAction.Evaluate(o.Value, Resolve));
        return new ActionRun(results, actionOutputs, failed);
    }
}
