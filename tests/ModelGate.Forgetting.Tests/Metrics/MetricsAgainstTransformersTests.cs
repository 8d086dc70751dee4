using System.Text.Json;
using ModelGate.Core.Forgetting;
using ModelGate.Forgetting.Metrics;
using ModelGate.Forgetting.Models;
using ModelGate.Forgetting.Tokenizers;
using ModelGate.Testing;
using Xunit.Abstractions;

namespace ModelGate.Forgetting.Tests.Metrics;

/// <summary>
/// Our tokenizer + models + scorers against what transformers computed (expected.json): per-token log-probabilities,
/// mean NLL and perplexity of the causal LMs with and without BOS, pseudo-log-likelihoods of the masked LMs, for
/// every base model and every PEFT-merged model.
/// </summary>
public sealed class MetricsAgainstTransformersTests(ITestOutputHelper output)
{
    private const double TokenTolerance = 2e-4; // logits agree to 1e-4
    private static readonly LanguageModelOptions Cpu = new() { Device = "cpu" };

    public static TheoryData<string> Models() => new(PeerModels.Names());

    public static TheoryData<string> Adapters() => new(PeerVectors.AdapterNames().Select(a => (string)a[0]));

    [Theory]
    [MemberData(nameof(Models))]
    public void BaseModel_Metrics_MatchTransformers(string arch)
    {
        using var model = new LanguageModelLoader().Load(ForgettingPeerVectors.ModelFolder(arch), Cpu);
        Check(arch, model, ForgettingPeerVectors.BaseMetrics(arch));
    }

    [Theory]
    [MemberData(nameof(Adapters))]
    public void MergedModel_Metrics_MatchPeftMergeAndUnload(string adapter)
    {
        var arch = PeerVectors.Adapter(adapter).GetProperty("base").GetString()!;
        using var model = new LanguageModelLoader().Load(ForgettingPeerVectors.ModelFolder(arch), Cpu with { Adapters = [PeerVectors.AdapterFolder(adapter)] });
        Check(arch, model, PeerVectors.Adapter(adapter).GetProperty("merged_metrics"));
    }

    private void Check(string arch, ILanguageModel model, JsonElement expected)
    {
        var tokenizer = TokenizerLoader.Load(ForgettingPeerVectors.ModelFolder(arch));
        if (model.Kind == LanguageModelKind.Masked)
        {
            // make_vectors.py: 64 ids with special tokens, each non-special position masked in turn.
            var ids = ForgettingPeerVectors.Ids(expected);
            var positions = Enumerable.Range(0, ids.Length).Where(i => !tokenizer.IsSpecial(ids[i])).ToArray();
            Assert.Equal(Enumerable.Range(1, ids.Length - 2), positions);
            var scores = MaskedScorer.Score(model, [new MaskedRequest(ids, positions)], tokenizer.Special.Mask!.Value, tokenizer.Special.Pad ?? 0, 16, null, CancellationToken.None, out _)[0];
            var pll = scores.Sum(v => (double)v);
            var diff = MaxDiff(expected, scores);
            output.WriteLine($"{arch}: PLL {pll:F5} vs {expected.GetProperty("pseudoLogLikelihood").GetDouble():F5}, max |Δ log p| {diff:E2}");
            Assert.Equal(expected.GetProperty("pseudoLogLikelihood").GetDouble(), pll, 0.005);
            Assert.Equal(expected.GetProperty("pseudoPerplexity").GetDouble(), Math.Exp(-pll / scores.Length), expected.GetProperty("pseudoPerplexity").GetDouble() * 1e-4);
            Assert.True(diff < TokenTolerance, $"max |Δ log p| {diff}");
            return;
        }

        foreach (var variant in new[] { "noBos", "bos" })
        {
            var e = expected.GetProperty(variant);
            var ids = ForgettingPeerVectors.Ids(e);
            var scores = CausalScorer.Score(model, [new CausalRequest(ids, 1)], 4, null, CancellationToken.None, out _)[0];
            var meanNll = -scores.Average(v => (double)v);
            var diff = MaxDiff(e, scores);
            output.WriteLine($"{arch} {variant}: mean NLL {meanNll:F6} vs {e.GetProperty("meanNll").GetDouble():F6}, max |Δ log p| {diff:E2}");
            Assert.Equal(e.GetProperty("meanNll").GetDouble(), meanNll, 1e-4);
            Assert.Equal(e.GetProperty("perplexity").GetDouble(), Math.Exp(meanNll), e.GetProperty("perplexity").GetDouble() * 1e-4);
            Assert.True(diff < TokenTolerance, $"max |Δ log p| {diff}");
        }
    }

    private static double MaxDiff(JsonElement expected, float[] actual)
    {
        var values = expected.GetProperty("tokenLogProbs").EnumerateArray().Select(v => v.GetDouble()).ToArray();
        Assert.Equal(values.Length, actual.Length);
        return values.Zip(actual, (a, b) => Math.Abs(a - b)).Max();
    }
}
