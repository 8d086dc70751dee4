using ModelGate.Core.Forgetting;
using ModelGate.Forgetting.Models;
using ModelGate.Testing;
using ModelGate.Torch.Runtime;
using Xunit.Abstractions;

namespace ModelGate.Forgetting.Tests.Models;

/// <summary>
/// Our forward passes against transformers 5.17 and PEFT 0.21 (tests/vectors/peer-vectors): logits of the seven tiny
/// models, of the models with each PEFT-saved adapter merged in memory, and per-token log-probabilities over a
/// 120-token text (positions past Llama 3's original context, so its rope scaling matters).
/// </summary>
public sealed class LanguageModelAgainstTransformersTests(ITestOutputHelper output)
{
    private const double Tolerance = 1e-4;
    private static readonly LanguageModelLoader Loader = new();
    private static readonly LanguageModelOptions Cpu = new() { Device = "cpu" };

    public static IEnumerable<object[]> Models() => PeerVectors.ModelNames();

    public static IEnumerable<object[]> Adapters() => PeerVectors.AdapterNames();

    [Theory]
    [MemberData(nameof(Models))]
    public void Forward_PeerModel_MatchesTransformersLogits(string name)
    {
        using var model = Loader.Load(PeerVectors.ModelFolder(name), Cpu);

        var difference = ModelLogits.MaxAbsDifference(ModelLogits.Run(model, PeerVectors.InputIds()), ModelLogits.Reference(PeerVectors.LogitsFile(name)));

        output.WriteLine($"{name}: max |Δlogit| = {difference:E2}");
        Assert.True(difference <= Tolerance, $"{name}: max abs logit difference {difference}");
    }

    [Theory]
    [MemberData(nameof(Adapters))]
    public void Forward_WithPeftAdapterMergedInMemory_MatchesMergeAndUnloadLogits(string name)
    {
        var options = Cpu with { Adapters = [PeerVectors.AdapterFolder(name)] };
        using var model = Loader.Load(PeerVectors.BaseFolderOf(name), options);
        using var plain = Loader.Load(PeerVectors.BaseFolderOf(name), Cpu);

        var merged = ModelLogits.Run(model, PeerVectors.InputIds());
        var difference = ModelLogits.MaxAbsDifference(merged, ModelLogits.Reference(PeerVectors.MergedLogitsFile(name)));
        var change = ModelLogits.MaxAbsDifference(merged, ModelLogits.Run(plain, PeerVectors.InputIds()));

        output.WriteLine($"{name}: max |Δlogit| = {difference:E2} (the adapter moves logits by up to {change:F3})");
        Assert.True(difference <= Tolerance, $"{name}: max abs logit difference {difference}");
        Assert.True(change > 100 * Tolerance, $"{name}: the adapter changed the logits by only {change}; the test would not see a missing merge");
    }

    [Theory]
    [InlineData("llama3_gqa_tied")]
    [InlineData("llama2")]
    [InlineData("mistral")]
    [InlineData("qwen2")]
    [InlineData("gpt2")]
    public void Forward_CausalModelOn120Tokens_MatchesTransformersTokenLogProbs(string name)
    {
        using var model = Loader.Load(PeerVectors.ModelFolder(name), Cpu);
        var metrics = PeerVectors.Model(name).GetProperty("metrics");

        foreach (var variant in new[] { "noBos", "bos" })
        {
            var expected = ModelLogits.Doubles(metrics.GetProperty(variant).GetProperty("tokenLogProbs"));
            var actual = ModelLogits.NextTokenLogProbs(model, ModelLogits.Ids(metrics.GetProperty(variant).GetProperty("ids")));
            var difference = actual.Zip(expected).Max(p => Math.Abs(p.First - p.Second));
            output.WriteLine($"{name} {variant}: {actual.Length} tokens, max |Δlog p| = {difference:E2}");
            Assert.True(difference <= Tolerance, $"{name} {variant}: max abs log-prob difference {difference}");
        }
    }

    [Theory]
    [InlineData("roberta", 4L)]
    [InlineData("bert", 4L)]
    public void Forward_MaskedModelMaskingEachToken_MatchesTransformersPseudoLogLikelihoodTerms(string name, long maskId)
    {
        using var model = Loader.Load(PeerVectors.ModelFolder(name), Cpu);
        var metrics = PeerVectors.Model(name).GetProperty("metrics");

        var expected = ModelLogits.Doubles(metrics.GetProperty("tokenLogProbs"));
        var actual = ModelLogits.MaskedTokenLogProbs(model, ModelLogits.Ids(metrics.GetProperty("ids")), maskId);

        var difference = actual.Zip(expected).Max(p => Math.Abs(p.First - p.Second));
        output.WriteLine($"{name}: {actual.Length} masked positions, max |Δlog p| = {difference:E2}");
        Assert.Equal(expected.Length, actual.Length);
        Assert.True(difference <= Tolerance, $"{name}: max abs log-prob difference {difference}");
    }

    [Theory]
    [MemberData(nameof(Adapters))]
    public void Forward_MergedAdapterOnLongText_MatchesTransformersMergedMetrics(string name)
    {
        var options = Cpu with { Adapters = [PeerVectors.AdapterFolder(name)] };
        using var model = Loader.Load(PeerVectors.BaseFolderOf(name), options);
        var metrics = PeerVectors.Adapter(name).GetProperty("merged_metrics");

        var (expected, actual) = model.Kind == LanguageModelKind.Causal
            ? (ModelLogits.Doubles(metrics.GetProperty("noBos").GetProperty("tokenLogProbs")),
               ModelLogits.NextTokenLogProbs(model, ModelLogits.Ids(metrics.GetProperty("noBos").GetProperty("ids"))))
            : (ModelLogits.Doubles(metrics.GetProperty("tokenLogProbs")),
               ModelLogits.MaskedTokenLogProbs(model, ModelLogits.Ids(metrics.GetProperty("ids")), 4));

        var difference = actual.Zip(expected).Max(p => Math.Abs(p.First - p.Second));
        output.WriteLine($"{name}: max |Δlog p| = {difference:E2}");
        Assert.True(difference <= Tolerance, $"{name}: max abs log-prob difference {difference}");
    }

    static LanguageModelAgainstTransformersTests() => TorchRuntime.EnsureLoaded();
}
