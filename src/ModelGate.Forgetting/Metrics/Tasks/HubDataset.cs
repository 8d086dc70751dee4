namespace ModelGate.Forgetting.Metrics.Tasks;

/// <summary>
/// Where lm-evaluation-harness reads a task's rows on the Hugging Face hub: its <c>dataset_path</c>,
/// <c>dataset_name</c> (the config; null for the default one) and the split it evaluates (its <c>test_split</c>, else
/// <c>validation_split</c>).
/// </summary>
public sealed record HubDataset(string Path, string? Config, string Split);
