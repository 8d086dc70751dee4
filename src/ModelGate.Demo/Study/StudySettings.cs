namespace ModelGate.Demo.Study;

/// <summary>
/// The grid the study trains: LoRA ranks × learning rates × seeds on code, full fine-tunes at a few learning rates, a
/// chain of LoRA tasks trained one after another, and the λ of the repair curve. Every run starts from the forgetting
/// demo's base (<see cref="Demo"/>). <see cref="Full"/> is the committed study; <see cref="Quick"/> is what tests run.
/// </summary>
public sealed record StudySettings
{
    /// <summary>Builds the base, the corpora and the two demo adapters every run is compared with.</summary>
    public ForgettingDemoBuilder Demo { get; init; } = new();

    public IReadOnlyList<int> Ranks { get; init; } = [1, 4, 16, 64];
    public IReadOnlyList<double> LearningRates { get; init; } = [1e-3, 3e-3, 1e-2];
    public IReadOnlyList<ulong> Seeds { get; init; } = [1, 2, 3];

    /// <summary>Everything of a LoRA run but rank, α (2 × rank, as the paper), learning rate and seed: all linear layers, the demo's schedule.</summary>
    public LoraTrainingSettings Lora { get; init; } = new();

    public IReadOnlyList<double> FullFineTuneLearningRates { get; init; } = [1e-4, 1e-3];
    public FullFineTuneSettings FullFineTune { get; init; } = new();

    /// <summary>Each chain task is LoRA training on a fresh part of the code corpus, on the base with the earlier tasks merged.</summary>
    public int ChainLength { get; init; } = 3;
    public LoraTrainingSettings Chain { get; init; } = new() { Rank = 4, Alpha = 8, LearningRate = 3e-3 };

    /// <summary>Each intruder's singular value becomes λ·σ in the repaired adapter (1: unchanged, 0: removed).</summary>
    public IReadOnlyList<double> RepairLambdas { get; init; } = [1, 0.75, 0.5, 0.25, 0];

    /// <summary>The committed study: 36 LoRA runs, 2 full fine-tunes, a chain of 3, 5 repair points.</summary>
    public static StudySettings Full { get; } = new();

    /// <summary>A 2 × 1 × 1 grid on a base half as wide, few short steps everywhere, three λ: every section of the page, in well under a minute of CPU.</summary>
    public static StudySettings Quick { get; } = new()
    {
        Demo = new ForgettingDemoBuilder
        {
            ProseTrainingCharacters = 30_000,
            CodeTrainingCharacters = 15_000,
            HeldOutCharacters = 1_500,
            Model = new TinyModelTrainingSettings { Hidden = 32, Intermediate = 64, Vocabulary = 300, Steps = 30, BatchSize = 8, SequenceLength = 32 },
            Forgetting = new LoraTrainingSettings { Steps = 10, BatchSize = 4, SequenceLength = 32 },
            Mild = new LoraTrainingSettings { Rank = 4, Alpha = 8, TargetModules = ["q_proj", "v_proj"], Steps = 5, BatchSize = 4, SequenceLength = 32, LearningRate = 1e-3, Seed = 3 },
        },
        Ranks = [1, 16],
        LearningRates = [1e-2],
        Seeds = [1],
        Lora = new LoraTrainingSettings { Steps = 10, BatchSize = 4, SequenceLength = 32 },
        FullFineTune = new FullFineTuneSettings { Steps = 10, BatchSize = 4, SequenceLength = 32 },
        ChainLength = 2,
        Chain = new LoraTrainingSettings { Rank = 4, Alpha = 8, Steps = 5, BatchSize = 4, SequenceLength = 32 },
        RepairLambdas = [1, 0.5, 0],
    };
}
