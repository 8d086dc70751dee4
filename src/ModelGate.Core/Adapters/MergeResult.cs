namespace ModelGate.Core.Adapters;

/// <summary>What a merge wrote.</summary>
public sealed record MergeResult(string OutputFolder, int Shards, int Tensors, int ChangedTensors);
