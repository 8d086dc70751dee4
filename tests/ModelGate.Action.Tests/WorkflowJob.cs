namespace ModelGate.Action.Tests;

/// <summary>A workflow job: the jobs it needs, its matrix (variable → values) and its steps.</summary>
internal sealed record WorkflowJob(string Id, IReadOnlyList<string> Needs, IReadOnlyDictionary<string, IReadOnlyList<string>> Matrix, IReadOnlyList<ActionStep> Steps);
