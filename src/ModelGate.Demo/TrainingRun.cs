namespace ModelGate.Demo;

/// <summary>What one training run did: the training loss at the start and at the end (mean of the last 10% of steps), and its time.</summary>
public sealed record TrainingRun(string Folder, int Steps, long TrainableParameters, double FirstLoss, double FinalLoss, TimeSpan Elapsed);
