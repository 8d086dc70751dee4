namespace ModelGate.Action.Tests;

/// <summary>
/// Runs a composite action's `run:` steps the way the runner does (<see cref="RunnerShell"/>): inputs and step
/// outputs substituted into the steps' env, GITHUB_PATH honoured for later steps, the first failing step ending the
/// run. `uses:` steps (setup-dotnet) are skipped: the SDK is already here.
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

            var environment = new Dictionary<string, string>(githubEnvironment);
            foreach (var (key, value) in step.Env)
            {
                environment[key] = CompositeAction.Evaluate(value, Resolve);
            }

            var (run, addedPath) = await RunnerShell.RunAsync(step, Path.Combine(workFolder, $"step-{index}"), githubEnvironment["GITHUB_WORKSPACE"], environment, extraPath, timeout);
            if (step.Id is not null)
            {
                stepOutputs[step.Id] = run.Outputs;
            }

            extraPath.AddRange(addedPath);
            results.Add(run);
            if (run.ExitCode != 0)
            {
                failed = true;
                break;
            }
        }

        var actionOutputs = action.Outputs.ToDictionary(o => o.Key, o => CompositeAction.Evaluate(o.Value, Resolve));
        return new ActionRun(results, actionOutputs, failed);
    }
}
