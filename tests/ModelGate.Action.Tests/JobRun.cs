namespace ModelGate.Action.Tests;

/// <summary>One job of a workflow run, for one matrix entry: its steps, and the Action's run where it used it.</summary>
internal sealed record JobRun(string JobId, IReadOnlyDictionary<string, string> Matrix, IReadOnlyList<StepRun> Steps, ActionRun? Action, bool Failed)
{
    public string Log => $"=== {JobId} {string.Join(",", Matrix.Select(m => $"{m.Key}={m.Value}"))}\n" +
        string.Join("\n", Steps.Select(s => $"--- {s.Step.Id ?? s.Step.Name ?? s.Step.Uses} (exit {s.ExitCode}{(s.Skipped ? ", skipped" : "")})\n{s.Out}{s.Error}")) +
        (Action is null ? "" : "\n" + Action.Log);
}
