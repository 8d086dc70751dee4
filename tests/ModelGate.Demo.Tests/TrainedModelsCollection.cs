namespace ModelGate.Demo.Tests;

/// <summary>
/// Tests that train or score the trained demo models run alone: training sets libtorch's thread count, a process-wide
/// setting, and under CI's parallel test load a forward pass running beside it read a corrupt Scalar (c10's
/// "Expected false to be true" in toFloat), twice in a row.
/// </summary>
[CollectionDefinition(Name, DisableParallelization = true)]
public sealed class TrainedModelsCollection
{
    public const string Name = "trained models";
}
