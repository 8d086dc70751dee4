namespace ModelGate.Action.Tests;

/// <summary>One run of the composite action: each step's result, the action's outputs, whether a step failed.</summary>
internal sealed record ActionRun(IReadOnlyList<StepRun> Steps, IReadOnlyDictionary<string, string> Outputs, bool Failed)
{
    public StepRun Step(string id) => Steps.Single(s => s.Step.Id == id);

    /// <summary>Everything the steps printed, for assertion messages.</summary>
    public string Log => string.Join("\n", Steps.Select(s => $"--- {s.Step.Id ?? s.Step.Name} (exit {s.ExitCode}{(s.Skipped ? ", skipped" : "")})\n{s.Out}{s.Error}"));
}
