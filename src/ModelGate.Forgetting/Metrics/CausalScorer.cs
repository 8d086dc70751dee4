using System.Diagnostics;
using ModelGate.Core.Forgetting;
using ModelGate.Forgetting.Models;
using static TorchSharp.torch;

namespace ModelGate.Forgetting.Metrics;

/// <summary>
/// Log-probabilities of causal-LM requests, many per forward pass: requests sorted by length and cut into batches
/// (length buckets), each right-padded to its own longest row with an attention mask, without gradients.
/// Right padding leaves every real token's logits as they are alone (a causal model never looks right).
/// </summary>
public static class CausalScorer
{
    /// <summary>Per request, the log-probabilities of its scored tokens, in the requests' order.</summary>
    public static float[][] Score(ILanguageModel model, IReadOnlyList<CausalRequest> requests, int batchSize,
        IProgress<ScoringProgress>? progress, CancellationToken cancellationToken, out ScoringThroughput throughput) =>
        Score(model, requests, batchSize, progress, cancellationToken, out throughput, out _);

    /// <summary>
    /// As the other overload, and per request whether each scored token is the model's most likely next token
    /// (lm-eval's <c>is_greedy</c>: greedy decoding from the context would give the continuation).
    /// </summary>
    public static float[][] Score(ILanguageModel model, IReadOnlyList<CausalRequest> requests, int batchSize,
        IProgress<ScoringProgress>? progress, CancellationToken cancellationToken, out ScoringThroughput throughput, out bool[] greedy)
    {
        ArgumentNullException.ThrowIfNull(requests);
        ArgumentOutOfRangeException.ThrowIfLessThan(batchSize, 1);
        foreach (var r in requests)
        {
            if (r.FirstScored < 1 || r.FirstScored > r.Tokens.Length)
            {
                throw new ArgumentException($"request scores from {r.FirstScored} of {r.Tokens.Length} tokens", nameof(requests));
            }
        }

        var results = new float[requests.Count][];
        greedy = new bool[requests.Count];
        var order = Enumerable.Range(0, requests.Count).OrderByDescending(i => requests[i].Tokens.Length).ToArray();
        throughput = ScoringThroughput.Zero;
        using var noGrad = no_grad();
        for (var start = 0; start < order.Length;)
        {
            cancellationToken.ThrowIfCancellationRequested();
            var rows = LogitsBudget.Rows(batchSize, requests[order[start]].Tokens.Length - 1, model.VocabularySize, model.WeightBytes);
            var batch = order.AsSpan(start, Math.Min(rows, order.Length - start)).ToArray();
            start += batch.Length;
            var watch = Stopwatch.StartNew();
            ScoreBatch(model, requests, batch, results, greedy);
            throughput = throughput.Add(new ScoringThroughput(batch.Sum(i => (long)requests[i].Tokens.Length - 1), watch.Elapsed));
            progress?.Report(new ScoringProgress(start, order.Length, throughput));
        }

        return results;
    }

    /// <summary>The reference loop the benchmark compares against: one request per forward pass, no padding.</summary>
    public static float[][] ScoreOneByOne(ILanguageModel model, IReadOnlyList<CausalRequest> requests, CancellationToken cancellationToken, out ScoringThroughput throughput)
    {
        var results = new float[requests.Count][];
        var greedy = new bool[requests.Count];
        throughput = ScoringThroughput.Zero;
        using var noGrad = no_grad();
        for (var i = 0; i < requests.Count; i++)
        {
            cancellationToken.ThrowIfCancellationRequested();
            var watch = Stopwatch.StartNew();
            ScoreBatch(model, requests, [i], results, greedy);
            throughput = throughput.Add(new ScoringThroughput(requests[i].Tokens.Length - 1, watch.Elapsed));
        }

        return results;
    }

    private static void ScoreBatch(ILanguageModel model, IReadOnlyList<CausalRequest> requests, int[] batch, float[][] results, bool[] greedy)
    {
        using var scope = NewDisposeScope();

        // The last token is only ever a target: the model sees tokens[..^1] and predicts tokens[1..] (as lm-eval does),
        // so a request may be one token longer than the model's positions.
        var width = batch.Max(i => requests[i].Tokens.Length) - 1;
        if (width < 1)
        {
            foreach (var i in batch)
            {
                results[i] = [];
                greedy[i] = true;
            }

            return;
        }

        var ids = new long[batch.Length * width];
        var next = new long[batch.Length * width];
        var mask = new long[batch.Length * width];
        var padded = false;
        for (var b = 0; b < batch.Length; b++)
        {
            var tokens = requests[batch[b]].Tokens;
            for (var t = 0; t + 1 < tokens.Length; t++)
            {
                ids[(b * width) + t] = tokens[t];
                next[(b * width) + t] = tokens[t + 1];
                mask[(b * width) + t] = 1;
            }

            padded |= tokens.Length - 1 < width;
        }

        var input = tensor(ids, [batch.Length, width], ScalarType.Int64).to(model.Device);
        var attention = padded ? tensor(mask, [batch.Length, width], ScalarType.Int64).to(model.Device) : null;
        var logits = model.Forward(input, attention).to_type(ScalarType.Float32);

        // log p(x[t+1] | x[..t]) = logit[t, x[t+1]] - logsumexp(logit[t]); no [batch, time, vocabulary] log-softmax copy.
        var targets = tensor(next, [batch.Length, width, 1], ScalarType.Int64).to(model.Device);
        var values = (logits.gather(2, targets).squeeze(-1) - logits.logsumexp(-1)).cpu().data<float>().ToArray();
        var argmax = logits.argmax(-1).cpu().data<long>().ToArray();
        for (var b = 0; b < batch.Length; b++)
        {
            var r = requests[batch[b]];
            var row = new float[r.Scored];
            Array.Copy(values, (b * width) + r.FirstScored - 1, row, 0, r.Scored);
            results[batch[b]] = row;
            var isGreedy = true;
            for (var t = r.FirstScored - 1; t < r.Tokens.Length - 1; t++)
            {
                isGreedy &= argmax[(b * width) + t] == next[(b * width) + t];
            }

            greedy[batch[b]] = isGreedy;
        }
    }
}
