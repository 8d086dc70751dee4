namespace ModelGate.Demo;

/// <summary>
/// Shape and schedule of the demo's pre-training. The defaults are docs/field-facts.md's toy recipe shrunk to seconds on
/// two CPU cores: hidden 64 (was 128), intermediate 128 (256), 2 layers, 4 heads with 2 key/value heads, vocabulary
/// 512 (1000), 200 steps (500) of 16 × 64 tokens (64 × 128), AdamW at 3e-3 with warm-up then cosine.
/// </summary>
public sealed record TinyModelTrainingSettings
{
    public int Hidden { get; init; } = 64;
    public int Intermediate { get; init; } = 128;
    public int Layers { get; init; } = 2;
    public int Heads { get; init; } = 4;
    public int KeyValueHeads { get; init; } = 2;
    public int Vocabulary { get; init; } = 512;
    public int SequenceLength { get; init; } = 64;
    public int BatchSize { get; init; } = 16;
    public int Steps { get; init; } = 200;
    public double LearningRate { get; init; } = 3e-3;
    public double WeightDecay { get; init; } = 0.01;
    public ulong Seed { get; init; } = 1;
}
