namespace ModelGate.Forgetting.Metrics;

/// <summary>The lm-eval task whose format read a dataset, the split it evaluates and the pinned revision (null for a local file).</summary>
public sealed record DatasetOrigin(string Task, string Split, string? Revision);
