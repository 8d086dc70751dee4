namespace ModelGate.Core.Reporting.ModelCards;

/// <summary>One model-index result as the Hub's card spec shapes it: what was measured (task), on what (dataset), and the metrics.</summary>
/// <param name="TaskType">The task's id (intruder-dimensions, forgetting).</param>
/// <param name="TaskName">The task as a reader names it.</param>
/// <param name="DatasetType">The dataset's id.</param>
/// <param name="DatasetName">The dataset as a reader names it.</param>
/// <param name="DatasetRevision">The dataset's pinned revision when known (a Hub dataset's commit).</param>
/// <param name="Metrics">What was measured on it.</param>
public sealed record ModelCardResult(string TaskType, string TaskName, string DatasetType, string DatasetName, string? DatasetRevision, IReadOnlyList<ModelCardMetric> Metrics);
