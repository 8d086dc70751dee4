using ModelGate.Core.IO;

namespace ModelGate.Demo;

/// <summary>
/// Builds <see cref="ForgettingDemo"/> from nothing in seconds: generates the two corpora (<see cref="DemoCorpus"/>),
/// trains a byte-level BPE on both, pre-trains a tiny LLaMA on prose, then trains the two LoRA adapters on the frozen
/// base. Everything is written into a staging folder renamed into place at the end.
/// Layout: <c>base/</c>, <c>adapter-forgets/</c>, <c>adapter-mild/</c>, <c>corpus/{prose,code}-{train,heldout}.txt</c>.
/// </summary>
public sealed record ForgettingDemoBuilder
{
    public ulong Seed { get; init; } = 1;

    public int ProseTrainingCharacters { get; init; } = 240_000;
    public int CodeTrainingCharacters { get; init; } = 120_000;
    public int HeldOutCharacters { get; init; } = 12_000;

    /// <summary>Code in the pre-training mix, as a fraction of the prose's characters.</summary>
    public double BaseCodeShare { get; init; } = 0.1;

    public TinyModelTrainingSettings Model { get; init; } = new();

    /// <summary>On code, all linear layers, rank 8, α 16, lr 3e-3 for 120 steps: pushed far from the prose it was trained on.</summary>
    public LoraTrainingSettings Forgetting { get; init; } = new();

    /// <summary>On more prose, q and v only, rank 4, α 8, lr 1e-3 for 80 steps: a small change in the direction of the base's own data.</summary>
    public LoraTrainingSettings Mild { get; init; } = new()
    {
        Rank = 4, Alpha = 8, TargetModules = ["q_proj", "v_proj"], Steps = 80, LearningRate = 1e-3, Seed = 3,
    };

    public ForgettingDemo Build(string folder, bool replace, CancellationToken cancellationToken)
    {
        var output = Path.GetFullPath(folder);
        ForgettingDemo? demo = null;
        StagedFolder.Write(output, replace, staging =>
        {
            var built = BuildInto(staging, output, cancellationToken);
            demo = built;
        });
        return demo!;
    }

    private ForgettingDemo BuildInto(string staging, string output, CancellationToken cancellationToken)
    {
        var corpus = Directory.CreateDirectory(Path.Combine(staging, "corpus")).FullName;
        var proseTrain = DemoCorpus.Prose(Seed, "train", ProseTrainingCharacters);
        var proseMore = DemoCorpus.Prose(Seed, "fine-tune", ProseTrainingCharacters / 4);
        var codeTrain = DemoCorpus.Code(Seed, "train", CodeTrainingCharacters);
        var files = new Dictionary<string, string>
        {
            ["prose-train.txt"] = proseTrain,
            ["prose-heldout.txt"] = DemoCorpus.Prose(Seed, "held-out", HeldOutCharacters),
            ["code-train.txt"] = codeTrain,
            ["code-heldout.txt"] = DemoCorpus.Code(Seed, "held-out", HeldOutCharacters),
        };
        foreach (var (name, text) in files)
        {
            AtomicFile.WriteAllText(Path.Combine(corpus, name), text);
        }

        // The tokenizer sees both kinds of text, as a real base model's tokenizer has seen code as well as prose.
        var tokenizer = ByteLevelBpe.Train([proseTrain, codeTrain], Model.Vocabulary);
        int[] Stream(string text) => [.. Documents(text).SelectMany(d => tokenizer.Encode(d).Append(tokenizer.EndOfTextId))];

        var baseFolder = Path.Combine(staging, "base");
        // Mostly prose with a little code, as a real base model has seen some code: the code adapter then sharpens a
        // skill the base has rather than starting from nothing, and its damage to prose is a measurable rise, not a collapse.
        var baseTokens = Stream(proseTrain).Concat(Stream(codeTrain[..Math.Min(codeTrain.Length, (int)(proseTrain.Length * BaseCodeShare))])).ToArray();
        var baseRun = TinyLanguageModelTrainer.TrainBase(tokenizer, baseTokens, Model, baseFolder, cancellationToken);
        var forgetting = TinyLanguageModelTrainer.TrainAdapter(baseFolder, Stream(codeTrain), Forgetting, Path.Combine(staging, "adapter-forgets"),
            Path.Combine(output, "base"), cancellationToken);
        var mild = TinyLanguageModelTrainer.TrainAdapter(baseFolder, Stream(proseMore), Mild, Path.Combine(staging, "adapter-mild"),
            Path.Combine(output, "base"), cancellationToken);

        string Final(string path) => Path.Combine(output, Path.GetRelativePath(staging, path));
        return new ForgettingDemo(output, Final(baseFolder), Final(forgetting.Folder), Final(mild.Folder),
            Path.Combine(output, "corpus", "prose-heldout.txt"), Path.Combine(output, "corpus", "code-heldout.txt"),
            baseRun with { Folder = Final(baseRun.Folder) }, forgetting with { Folder = Final(forgetting.Folder) }, mild with { Folder = Final(mild.Folder) });
    }

    /// <summary>Blank-line separated documents (paragraphs, functions).</summary>
    internal static IEnumerable<string> Documents(string text) =>
        text.Split("\n\n", StringSplitOptions.RemoveEmptyEntries).Select(d => d.Trim('\n')).Where(d => d.Length > 0).Select(d => d + "\n");
}
