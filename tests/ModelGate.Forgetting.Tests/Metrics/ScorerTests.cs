using ModelGate.Core.Forgetting;
using ModelGate.Forgetting.Metrics;

namespace ModelGate.Forgetting.Tests.Metrics;

public sealed class ScorerTests
{
    private static readonly Random Random = new(5);
    private static readonly int[] CausalLengths = [7, 3, 12, 2, 9, 5, 11];

    private static int[] RandomTokens(int length, int vocabulary) => Enumerable.Range(0, length).Select(_ => Random.Next(vocabulary)).ToArray();

    [Fact]
    public void CausalScorer_BatchedAndPadded_GivesEachTokensBigramLogProb()
    {
        var table = BigramLanguageModel.Table(12, [RandomTokens(200, 12)]);
        using var model = new BigramLanguageModel(table);
        var requests = CausalLengths.Select((n, i) => new CausalRequest(RandomTokens(n, 12), 1 + (i % 2))).ToArray();

        var scores = CausalScorer.Score(model, requests, batchSize: 3, null, CancellationToken.None, out var throughput);

        for (var r = 0; r < requests.Length; r++)
        {
            var t = requests[r].Tokens;
            var expected = Enumerable.Range(requests[r].FirstScored, t.Length - requests[r].FirstScored).Select(i => model.LogProb(t[i - 1], t[i])).ToArray();
            Assert.Equal(expected.Length, scores[r].Length);
            Assert.All(expected.Zip(scores[r]), p => Assert.Equal(p.First, p.Second, 5));
        }

        Assert.Equal(3, model.ForwardCalls);
        Assert.True(model.SawAttentionMask);
        Assert.Equal(requests.Sum(r => r.Tokens.Length - 1), throughput.Tokens);
    }

    [Fact]
    public void CausalScorer_OneByOneReference_AgreesWithBatched()
    {
        var table = BigramLanguageModel.Table(9, [RandomTokens(100, 9)]);
        using var model = new BigramLanguageModel(table);
        var requests = Enumerable.Range(2, 10).Select(n => new CausalRequest(RandomTokens(n, 9), 1)).ToArray();

        var batched = CausalScorer.Score(model, requests, 4, null, CancellationToken.None, out _);
        var reference = CausalScorer.ScoreOneByOne(model, requests, CancellationToken.None, out _);

        Assert.Equal(reference.SelectMany(r => r), batched.SelectMany(r => r));
    }

    [Fact]
    public void MaskedScorer_MasksEachPositionInTurn_PseudoLogLikelihoodFromTheMaskedSlot()
    {
        var table = BigramLanguageModel.Table(10, [RandomTokens(100, 10)]);
        using var model = new BigramLanguageModel(table, LanguageModelKind.Masked, maskId: 9);
        var requests = new[]
        {
            new MaskedRequest([0, 5, 6, 7, 1], [1, 2, 3]),
            new MaskedRequest([0, 4, 1], [1]),
            new MaskedRequest([0, 3, 3, 2, 8, 6, 1], [1, 2, 3, 4, 5]),
        };

        var scores = MaskedScorer.Score(model, requests, maskId: 9, padId: 8, batchSize: 4, null, CancellationToken.None, out _);

        for (var r = 0; r < requests.Length; r++)
        {
            var t = requests[r].Tokens;
            Assert.Equal(requests[r].Positions.Select(p => model.LogProb(t[p - 1], t[p])).ToArray(), scores[r].Select(v => (double)v).ToArray(), new ToleranceComparer(1e-5));
        }

        Assert.Equal(3, model.ForwardCalls); // 9 masked copies, 4 per pass
        Assert.True(model.SawAttentionMask);
    }

    [Theory]
    [InlineData(8, 1024, 128_256, 32_000_000_000, 2)]   // Llama 3 (8B, float32): [2, 1024, 128k] is 1 GiB of float32 logits
    [InlineData(8, 4096, 128_256, 32_000_000_000, 1)]   // never less than one row
    [InlineData(8, 512, 32_000, 32_000_000_000, 8)]     // Llama 2 fits the asked batch
    public void LogitsBudget_LongRowsOfLargeVocabularies_GetSmallerBatches(int asked, int width, int vocabulary, long weightBytes, int expected) =>
        Assert.Equal(expected, LogitsBudget.Rows(asked, width, vocabulary, weightBytes));

    [Theory]
    [InlineData(2_470_000_000, 1)]   // Llama-3.2-1B in bf16: one [128, 128k] row is 262 MB at 16 bytes a logit, 15 % is 370 MB
    [InlineData(4_940_000_000, 2)]   // the same in float32: 741 MB
    [InlineData(16_060_000_000, 8)]  // Llama-3.1-8B in bf16 keeps the asked batch
    public void LogitsBudget_LargeVocabularyAgainstTheModelsSize_KeepsLogitsUnderFifteenPercentOfTheWeights(long weightBytes, int expected) =>
        Assert.Equal(expected, LogitsBudget.Rows(8, 128, 128_256, weightBytes));

    [Fact]
    public void LogitsBudget_SmallModel_KeepsItsBatch() =>
        Assert.Equal(8, LogitsBudget.Rows(8, 128, 512, 400_000));

    [Fact]
    public void SlidingWindow_ScoresEveryTokenAfterTheFirstExactlyOnce_WithTheGuideContext()
    {
        var tokens = Enumerable.Range(0, 103).ToArray();

        var windows = SlidingWindow.Plan(tokens, maxLength: 10, stride: 4);

        var scored = windows.SelectMany(w => w.Tokens[w.FirstScored..]).ToArray();
        Assert.Equal(Enumerable.Range(1, 102), scored);
        Assert.All(windows, w => Assert.True(w.Tokens.Length <= 10));
        Assert.All(windows.Skip(1), w => Assert.True(w.FirstScored >= 10 - 4, "after the first window every scored token has at least max_length - stride tokens of context"));
    }

    [Fact]
    public void SlidingWindow_StrideEqualToLength_DisjointWindowsSkipEachWindowsFirstToken()
    {
        var windows = SlidingWindow.Plan(Enumerable.Range(0, 20).ToArray(), maxLength: 8, stride: 8);

        Assert.Equal([0, 8, 16], windows.Select(w => w.Tokens[0]));
        Assert.All(windows, w => Assert.Equal(1, w.FirstScored));
    }

    [Fact]
    public void RollingWindows_AsLmEvalsGetRollingTokenWindows_EveryTokenOnceFromThePrefixThenOneTokenOfContext()
    {
        // lm_eval/utils.py get_rolling_token_windows(list(range(10)), prefix_token=99, max_seq_len=4, context_len=1)
        // yields ([99, 0, 1, 2], [0, 1, 2, 3]), ([3, 4, 5, 6], [4, 5, 6, 7]), ([5, 6, 7, 8], [8, 9]): the model reads the
        // first list and the second is scored; here one sequence holds both, scored from FirstScored.
        var windows = RollingWindows.Plan(Enumerable.Range(0, 10).ToArray(), prefixToken: 99, maxLength: 4);

        Assert.Equal([[99, 0, 1, 2, 3], [3, 4, 5, 6, 7], [5, 6, 7, 8, 9]], windows.Select(w => w.Tokens));
        Assert.Equal([1, 1, 3], windows.Select(w => w.FirstScored));
        Assert.Equal(Enumerable.Range(0, 10), windows.SelectMany(w => w.Tokens[w.FirstScored..]));
    }

    [Fact]
    public void PairedBootstrap_SameSeed_SameInterval_AndItBracketsThePoint()
    {
        var x = Enumerable.Range(0, 50).Select(i => Math.Sin(i) + 0.3).ToArray();
        double Mean(int[] c) => x.Select((v, i) => v * c[i]).Sum() / c.Sum();

        var first = PairedBootstrap.Interval(x.Length, Mean, 500, seed: 7);
        var second = PairedBootstrap.Interval(x.Length, Mean, 500, seed: 7);

        Assert.Equal(first, second);
        Assert.InRange(x.Average(), first.Low!.Value, first.High!.Value);
        Assert.True(first.High - first.Low > 0.1);
        Assert.Equal(BootstrapInterval.None("no resamples were asked for"), PairedBootstrap.Interval(x.Length, Mean, 0, seed: 7));
    }

    [Fact]
    public void PairedBootstrap_OneUnitOrDeltasThatNeverVary_NoIntervalAndTheReason()
    {
        Assert.Equal(BootstrapInterval.None("a single unit cannot be resampled"), PairedBootstrap.Interval(1, _ => 184.877, 1000, seed: 7));
        Assert.Equal(BootstrapInterval.None("zero width: the resampled deltas did not vary"), PairedBootstrap.Interval(12, _ => 184.877, 1000, seed: 7));
    }

    private sealed class ToleranceComparer(double tolerance) : IEqualityComparer<double>
    {
        public bool Equals(double a, double b) => Math.Abs(a - b) <= tolerance;

        public int GetHashCode(double value) => 0;
    }
}
