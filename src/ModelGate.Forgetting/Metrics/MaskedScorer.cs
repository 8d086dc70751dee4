using System.Diagnostics;
using ModelGate.Core.Forgetting;
using ModelGate.Forgetting.Models;
using static TorchSharp.torch;

namespace ModelGate.Forgetting.Metrics;

/// <summary>
/// Pseudo-log-likelihood terms of masked-LM requests (Salazar et al. 2020): one masked copy per scored position,
/// many copies per forward pass, copies sorted by length, right-padded with the pad token and masked out by the
/// attention mask (a bidirectional model would otherwise attend to the padding).
/// </summary>
public static class MaskedScorer
{
    public static float[][] Score(ILanguageModel model, IReadOnlyList<MaskedRequest> requests, int maskId, int padId, int batchSize,
        IProgress<ScoringProgress>? progress, CancellationToken cancellationToken, out ScoringThroughput throughput)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(batchSize, 1);
        var rows = new List<(int Request, int Slot)>();
        for (var r = 0; r < requests.Count; r++)
        {
            for (var s = 0; s < requests[r].Positions.Length; s++)
            {
                rows.Add((r, s));
            }
        }

        var results = requests.Select(r => new float[r.Positions.Length]).ToArray();
        var order = rows.OrderByDescending(x => requests[x.Request].Tokens.Length).ToArray();
        throughput = ScoringThroughput.Zero;
        using var noGrad = no_grad();
        for (var start = 0; start < order.Length;)
        {
            cancellationToken.ThrowIfCancellationRequested();
            var fits = LogitsBudget.Rows(batchSize, requests[order[start].Request].Tokens.Length, model.VocabularySize, model.WeightBytes);
            var batch = order.AsSpan(start, Math.Min(fits, order.Length - start)).ToArray();
            start += batch.Length;
            var watch = Stopwatch.StartNew();
            ScoreBatch(model, requests, batch, maskId, padId, results);
            throughput = throughput.Add(new ScoringThroughput(batch.Sum(x => (long)requests[x.Request].Tokens.Length), watch.Elapsed));
            progress?.Report(new ScoringProgress(start, order.Length, throughput));
        }

        return results;
    }

    private static void ScoreBatch(ILanguageModel model, IReadOnlyList<MaskedRequest> requests, (int Request, int Slot)[] batch,
        int maskId, int padId, float[][] results)
    {
        using var scope = NewDisposeScope();
        var width = batch.Max(x => requests[x.Request].Tokens.Length);
        var ids = new long[batch.Length * width];
        var mask = new long[batch.Length * width];
        var where = new long[batch.Length];
        var truth = new long[batch.Length];
        var padded = false;
        for (var b = 0; b < batch.Length; b++)
        {
            var r = requests[batch[b].Request];
            Array.Fill(ids, (long)padId, b * width, width);
            for (var t = 0; t < r.Tokens.Length; t++)
            {
                ids[(b * width) + t] = r.Tokens[t];
                mask[(b * width) + t] = 1;
            }

            var position = r.Positions[batch[b].Slot];
            ids[(b * width) + position] = maskId;
            where[b] = position;
            truth[b] = r.Tokens[position];
            padded |= r.Tokens.Length < width;
        }

        var input = tensor(ids, [batch.Length, width], ScalarType.Int64).to(model.Device);
        var attention = padded ? tensor(mask, [batch.Length, width], ScalarType.Int64).to(model.Device) : null;
        var logits = model.Forward(input, attention);
        var vocabulary = logits.shape[2];
        var index = tensor(where, [batch.Length, 1, 1], ScalarType.Int64).to(model.Device).expand(batch.Length, 1, vocabulary);
        var atMask = logits.gather(1, index).squeeze(1).to_type(ScalarType.Float32);
        var target = tensor(truth, [batch.Length, 1], ScalarType.Int64).to(model.Device);
        var values = (atMask.gather(1, target).squeeze(-1) - atMask.logsumexp(-1)).cpu().data<float>().ToArray();
        for (var b = 0; b < batch.Length; b++)
        {
            results[batch[b].Request][batch[b].Slot] = values[b];
        }
    }
}
