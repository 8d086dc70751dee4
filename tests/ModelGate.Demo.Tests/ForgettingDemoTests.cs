using Microsoft.Extensions.Logging.Abstractions;
using ModelGate.Core.Adapters;
using ModelGate.Core.Spectral;
using ModelGate.Forgetting.Models;
using ModelGate.Testing;
using ModelGate.Torch.Spectral;
using Xunit.Abstractions;
using static TorchSharp.torch;

namespace ModelGate.Demo.Tests;

/// <summary>
/// The demo's models are trained, not random: the base predicts held-out prose far better than chance, the
/// code adapter makes it forget (held-out prose perplexity rises clearly) while learning code, and the mild adapter
/// leaves it as it was. Perplexity here is the plain exp(mean NLL) over 64-token windows, computed with the model directly.
/// </summary>
[Collection(TrainedModelsCollection.Name)]
public sealed class ForgettingDemoTests(ForgettingDemoFixture fixture, ITestOutputHelper output) : IClassFixture<ForgettingDemoFixture>
{
    private ForgettingDemo Demo => fixture.Demo;

    [Fact]
    public void Build_WritesAHuggingFaceModelTwoPeftAdaptersAndTheCorpus()
    {
        foreach (var file in new[] { "config.json", "model.safetensors", "vocab.json", "merges.txt", "tokenizer.json", "tokenizer_config.json" })
        {
            Assert.True(File.Exists(Path.Combine(Demo.BaseModel, file)), file);
        }

        using var forgetting = LoraAdapter.Load(Demo.ForgettingAdapter);
        using var mild = LoraAdapter.Load(Demo.MildAdapter);
        Assert.Equal(14, forgetting.Modules.Count);
        Assert.Equal(4, mild.Modules.Count);
        Assert.All(forgetting.Modules, m => Assert.StartsWith("base_model.model.model.layers.", m.A.Name));
        Assert.True(File.Exists(Demo.HeldOutProse) && File.Exists(Demo.HeldOutCode));
        output.WriteLine($"training: base {Describe(Demo.BaseTraining)}; forgetting adapter {Describe(Demo.ForgettingTraining)}; mild adapter {Describe(Demo.MildTraining)}");
    }

    [Fact]
    public void Perplexity_ForgettingAdapterRaisesHeldOutProse_MildAdapterDoesNot()
    {
        var prose = File.ReadAllText(Demo.HeldOutProse);
        var code = File.ReadAllText(Demo.HeldOutCode);
        var tokenizer = ByteLevelBpe.Load(Path.Combine(Demo.BaseModel, "vocab.json"), Path.Combine(Demo.BaseModel, "merges.txt"));

        var (baseProse, baseCode) = Perplexities([]);
        var (forgetsProse, forgetsCode) = Perplexities([Demo.ForgettingAdapter]);
        var (mildProse, mildCode) = Perplexities([Demo.MildAdapter]);

        output.WriteLine($"held-out prose perplexity: base {baseProse:F2}, forgetting adapter {forgetsProse:F2} (×{forgetsProse / baseProse:F2}), mild adapter {mildProse:F2} (×{mildProse / baseProse:F3})");
        output.WriteLine($"held-out code perplexity:  base {baseCode:F2}, forgetting adapter {forgetsCode:F2}, mild adapter {mildCode:F2}");
        Assert.InRange(baseProse, 1.0, tokenizer.Vocabulary.Count / 20.0);
        Assert.True(forgetsProse > 1.5 * baseProse, $"the code adapter should forget prose: {baseProse:F2} → {forgetsProse:F2}");
        Assert.True(forgetsCode < 0.7 * baseCode, $"the code adapter should have learnt code: {baseCode:F2} → {forgetsCode:F2}");
        Assert.InRange(mildProse / baseProse, 0.9, 1.05);

        (double Prose, double Code) Perplexities(IReadOnlyList<string> adapters)
        {
            using var model = new LanguageModelLoader().Load(Demo.BaseModel, new LanguageModelOptions { Device = "cpu", Adapters = adapters });
            return (Perplexity(model, tokenizer.Encode(prose)), Perplexity(model, tokenizer.Encode(code)));
        }
    }

    [Fact]
    public async Task Intruders_ForgettingAdapterHasMoreThanTheMildOne()
    {
        var analyzer = new IntruderAnalyzer(NullLogger<IntruderAnalyzer>.Instance);
        using var cache = new TempDirectory();
        var settings = new AnalysisSettings { CacheFolder = cache.Path };

        var forgetting = await analyzer.AnalyzeAdaptersAsync(Demo.BaseModel, [Demo.ForgettingAdapter], settings, "cpu", null, CancellationToken.None);
        var mild = await analyzer.AnalyzeAdaptersAsync(Demo.BaseModel, [Demo.MildAdapter], settings, "cpu", null, CancellationToken.None);

        output.WriteLine($"intruders (k 10, ε 0.5): forgetting adapter {forgetting.TotalIntruders} in {forgetting.Modules.Count} matrices, mild adapter {mild.TotalIntruders} in {mild.Modules.Count}");
        Assert.True(forgetting.TotalIntruders > mild.TotalIntruders, $"forgetting {forgetting.TotalIntruders} vs mild {mild.TotalIntruders}");
    }

    /// <summary>exp(mean next-token NLL) over consecutive 64-token windows.</summary>
    private static double Perplexity(ILanguageModel model, int[] tokens)
    {
        const int window = 64;
        var count = tokens.Length / window;
        using var scope = NewDisposeScope();
        var ids = tensor(tokens[..(count * window)].Select(t => (long)t).ToArray(), [count, window]);
        var logProbs = model.Forward(ids, null).log_softmax(-1).narrow(1, 0, window - 1);
        var targets = ids.narrow(1, 1, window - 1).unsqueeze(-1);
        var meanNll = -logProbs.gather(-1, targets).mean().item<float>();
        return Math.Exp(meanNll);
    }

    private static string Describe(TrainingRun run) =>
        $"{run.Steps} steps, {run.TrainableParameters:N0} trainable parameters, loss {run.FirstLoss:F2} → {run.FinalLoss:F2} in {run.Elapsed.TotalSeconds:F1} s";
}
