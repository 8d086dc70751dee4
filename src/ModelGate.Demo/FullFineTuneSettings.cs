namespace ModelGate.Demo;

/// <summary>How the study fine-tunes every parameter of the demo's base: the LoRA runs' schedule, without the low-rank constraint.</summary>
public sealed record FullFineTuneSettings
{
    public int SequenceLength { get; init; } = 64;
    public int BatchSize { get; init; } = 16;
    public int Steps { get; init; } = 120;
    public double LearningRate { get; init; } = 1e-3;
    public double WeightDecay { get; init; }
    public ulong Seed { get; init; } = 2;
}
