namespace ModelGate.Demo;

/// <summary>How the demo trains one LoRA adapter on a frozen base (PEFT's parametrisation: W + (α/r)·B·A, B starts at 0).</summary>
public sealed record LoraTrainingSettings
{
    public int Rank { get; init; } = 8;
    public double Alpha { get; init; } = 16;

    /// <summary>Module names as PEFT's <c>target_modules</c> list takes them (last name component).</summary>
    public IReadOnlyList<string> TargetModules { get; init; } = ["q_proj", "k_proj", "v_proj", "o_proj", "gate_proj", "up_proj", "down_proj"];

    public int SequenceLength { get; init; } = 64;
    public int BatchSize { get; init; } = 16;
    public int Steps { get; init; } = 120;
    public double LearningRate { get; init; } = 3e-3;
    public ulong Seed { get; init; } = 2;
}
