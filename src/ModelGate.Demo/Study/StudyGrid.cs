using System.Globalization;
using ModelGate.Core.Adapters;
using ModelGate.Core.Gating;
using ModelGate.Core.Repair;
using ModelGate.Core.Spectral;
using ModelGate.Core.Tensors;
using ModelGate.Forgetting.Models;
using ModelGate.Torch.Lineage;
using ModelGate.Torch.Merging;
using ModelGate.Torch.Repair;
using ModelGate.Torch.Spectral;

namespace ModelGate.Demo.Study;

/// <summary>
/// Trains and measures every run of a <see cref="StudySettings"/> grid on the forgetting demo (task: code; forgetting:
/// held-out prose): the demo's two adapters, the LoRA grid, the full fine-tunes, the chain (cumulative counts through
/// <see cref="LineageAnalyzer"/>) and the repair curve (<see cref="AdapterMitigator"/> on the LoRA run with the most
/// intruders). Intruders are counted with the built-in policy's analysis settings. Deterministic for the settings on a given machine.
/// </summary>
public sealed class StudyGrid(IntruderAnalyzer analyzer, LineageAnalyzer lineage, AdapterMitigator mitigator, ModelMerger merger, LanguageModelLoader loader)
{
    /// <summary>Trains into <paramref name="workFolder"/> (created; the caller removes it or keeps the adapters) and returns every run's numbers.</summary>
    public async Task<StudyResults> RunAsync(StudySettings settings, string workFolder, IProgress<string>? progress, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(settings);
        Directory.CreateDirectory(workFolder);
        progress?.Report("training the demo base and its two adapters");
        var demo = settings.Demo.Build(Path.Combine(workFolder, "demo"), replace: true, cancellationToken);
        var policy = GatePolicyLoader.Default.Analysis;
        var analysis = new AnalysisSettings
        {
            K = policy.K, Epsilon = policy.Epsilon, Method = policy.Method, CacheFolder = Path.Combine(workFolder, ".spectra"),
        };
        var measurer = new TrainedRunMeasurer(analyzer, loader, analysis, demo.HeldOutProse, demo.HeldOutCode);
        var tokenizer = ByteLevelBpe.Load(Path.Combine(demo.BaseModel, "vocab.json"), Path.Combine(demo.BaseModel, "merges.txt"));
        int[] Stream(string text) => [.. ForgettingDemoBuilder.Documents(text).SelectMany(d => tokenizer.Encode(d).Append(tokenizer.EndOfTextId))];
        var code = Stream(File.ReadAllText(Path.Combine(demo.Folder, "corpus", "code-train.txt")));
        string Relative(string path) => Path.GetRelativePath(workFolder, path).Replace('\\', '/');

        var runs = new List<StudyRun>();
        foreach (var (name, adapter) in new[] { ("demo adapter-mild", demo.MildAdapter), ("demo adapter-forgets", demo.ForgettingAdapter) })
        {
            runs.Add(new StudyRun
            {
                Name = name, Kind = StudyRunKind.Demo, Folder = Relative(adapter),
                Measurement = await measurer.MeasureAdaptersAsync(demo.BaseModel, [adapter], cancellationToken),
            });
        }

        foreach (var rank in settings.Ranks)
        {
            foreach (var rate in settings.LearningRates)
            {
                foreach (var seed in settings.Seeds)
                {
                    var name = $"lora-r{rank}-lr{Number(rate)}-s{seed}";
                    progress?.Report($"training {name}");
                    var lora = settings.Lora with { Rank = rank, Alpha = 2 * rank, LearningRate = rate, Seed = seed };
                    var folder = TinyLanguageModelTrainer.TrainAdapter(demo.BaseModel, code, lora, Path.Combine(workFolder, "lora", name), demo.BaseModel, cancellationToken).Folder;
                    runs.Add(new StudyRun
                    {
                        Name = name, Kind = StudyRunKind.Lora, Folder = Relative(folder), Rank = rank, LearningRate = rate, Seed = seed,
                        Measurement = await measurer.MeasureAdaptersAsync(demo.BaseModel, [folder], cancellationToken),
                    });
                }
            }
        }

        foreach (var rate in settings.FullFineTuneLearningRates)
        {
            var name = $"full-lr{Number(rate)}";
            progress?.Report($"training {name}");
            var full = settings.FullFineTune with { LearningRate = rate };
            var folder = TinyLanguageModelTrainer.FineTuneFully(demo.BaseModel, code, full, Path.Combine(workFolder, "full", name), cancellationToken).Folder;
            runs.Add(new StudyRun
            {
                Name = name, Kind = StudyRunKind.FullFineTune, Folder = Relative(folder), LearningRate = rate, Seed = full.Seed,
                Measurement = await measurer.MeasureFineTuneAsync(demo.BaseModel, folder, cancellationToken),
            });
        }

        runs.AddRange(await ChainAsync(settings, demo, measurer, analysis, Stream, Relative, progress, workFolder, cancellationToken));
        runs.AddRange(await RepairAsync(settings, demo, measurer, analysis, runs, Relative, progress, workFolder, cancellationToken));
        return new StudyResults(settings, policy.K, policy.Epsilon, runs);
    }

    /// <summary>Task i is trained on the base with tasks 1..i−1 merged in float32, as continual fine-tuning would.</summary>
    private async Task<IReadOnlyList<StudyRun>> ChainAsync(StudySettings settings, ForgettingDemo demo, TrainedRunMeasurer measurer, AnalysisSettings analysis,
        Func<string, int[]> stream, Func<string, string> relative, IProgress<string>? progress, string workFolder, CancellationToken cancellationToken)
    {
        var adapters = new List<string>();
        for (var task = 1; task <= settings.ChainLength; task++)
        {
            progress?.Report($"training chain task {task}");
            var trainedOn = demo.BaseModel;
            if (task > 1)
            {
                trainedOn = Path.Combine(workFolder, "chain", $".merged-{task - 1}");
                merger.Merge(demo.BaseModel, adapters, trainedOn, new MergeSettings { DType = TensorDType.F32, Force = true }, "cpu", null, cancellationToken);
            }

            var tokens = stream(DemoCorpus.Code(settings.Demo.Seed, $"chain-{task}", settings.Demo.CodeTrainingCharacters));
            var chain = settings.Chain with { Seed = (ulong)task };
            adapters.Add(TinyLanguageModelTrainer.TrainAdapter(trainedOn, tokens, chain, Path.Combine(workFolder, "chain", $"task-{task}"), demo.BaseModel, cancellationToken).Folder);
            if (task > 1)
            {
                Directory.Delete(trainedOn, recursive: true);
            }
        }

        progress?.Report("following the chain's intruders");
        var report = await lineage.AnalyzeAsync(demo.BaseModel, adapters, analysis, "cpu", null, cancellationToken);
        return report.Steps.Select(step => new StudyRun
        {
            Name = $"chain-{step.Step}", Kind = StudyRunKind.Chain, Folder = relative(adapters[step.Step - 1]), Rank = settings.Chain.Rank,
            LearningRate = settings.Chain.LearningRate, Step = step.Step, NewIntruders = step.Modules.Sum(m => m.New),
            Measurement = measurer.MeasureAdapters(step.Cumulative!, demo.BaseModel, adapters.Take(step.Step).ToArray(), cancellationToken),
        }).ToArray();
    }

    /// <summary>The repair curve on the LoRA run with the most intruders (the first in grid order on a tie).</summary>
    private async Task<IReadOnlyList<StudyRun>> RepairAsync(StudySettings settings, ForgettingDemo demo, TrainedRunMeasurer measurer, AnalysisSettings analysis,
        IReadOnlyList<StudyRun> runs, Func<string, string> relative, IProgress<string>? progress, string workFolder, CancellationToken cancellationToken)
    {
        var target = runs.Where(r => r.Kind == StudyRunKind.Lora).MaxBy(r => r.Measurement.IntrudersTotal);
        if (target is null)
        {
            return [];
        }

        var repaired = new List<StudyRun>();
        foreach (var lambda in settings.RepairLambdas)
        {
            var name = $"{target.Name}-repaired-{Number(lambda)}";
            progress?.Report($"repairing {target.Name} with λ {Number(lambda)}");
            var mitigation = new MitigationSettings { Lambda = lambda, Analysis = analysis, Force = true };
            var result = await mitigator.MitigateAsync(demo.BaseModel, Path.Combine(workFolder, target.Folder), Path.Combine(workFolder, "repair", name), mitigation,
                "cpu", null, cancellationToken);
            repaired.Add(new StudyRun
            {
                Name = name, Kind = StudyRunKind.Repair, Folder = relative(result.OutputFolder!), Rank = target.Rank, LearningRate = target.LearningRate,
                Seed = target.Seed, Lambda = lambda,
                Measurement = measurer.MeasureAdapters(result.After!, demo.BaseModel, [result.OutputFolder!], cancellationToken),
            });
        }

        return repaired;
    }

    internal static string Number(double value) => value.ToString("0.####", CultureInfo.InvariantCulture);
}
