using ModelGate.Core.Errors;
using ModelGate.Core.Forgetting;
using ModelGate.Forgetting.Models;

namespace ModelGate.Forgetting.Metrics;

/// <summary>
/// Times the forgetting scorer's batched forward passes against a reference loop on one model in one run (this
/// machine is shared and noisy; a ratio measured side by side is what to compare). Causal LMs score sliding
/// windows of the documents; masked LMs their masked copies (the reference then runs one copy per pass).
/// </summary>
public static class ForgettingBenchmark
{
    public static ForgettingBenchmarkResult Run(ILanguageModel model, IReadOnlyList<int[]> documents, int maxLength, int stride,
        int batchSize, string dtype, int? maskId, IProgress<string>? progress, CancellationToken cancellationToken)
    {
        if (model.Kind == LanguageModelKind.Masked)
        {
            var requests = documents.SelectMany(d => Chunks(d, maxLength)).Select(c => new MaskedRequest(c, Enumerable.Range(0, c.Length).ToArray())).ToArray();
            var mask = maskId ?? throw new UserInputException($"{model.ModelType}: the tokenizer names no mask token");
            MaskedScorer.Score(model, requests.Take(1).ToArray(), mask, 0, batchSize, null, cancellationToken, out _); // warm-up
            progress?.Report($"reference loop: {requests.Sum(r => r.Positions.Length)} masked copies one per pass");
            var reference = MaskedScorer.Score(model, requests, mask, 0, 1, null, cancellationToken, out var slow);
            progress?.Report($"batched: {batchSize} copies per pass");
            var batched = MaskedScorer.Score(model, requests, mask, 0, batchSize, null, cancellationToken, out var fast);
            return new ForgettingBenchmarkResult(model.ModelType, model.Device.ToString(), dtype, requests.Sum(r => r.Positions.Length), batchSize, fast, slow, MaxDiff(batched, reference));
        }
        else
        {
            var requests = documents.SelectMany(d => SlidingWindow.Plan(d, maxLength, stride)).ToArray();
            CausalScorer.Score(model, requests.Take(batchSize).ToArray(), batchSize, null, cancellationToken, out _); // warm-up
            progress?.Report($"reference loop: {requests.Length} windows one per pass");
            var reference = CausalScorer.ScoreOneByOne(model, requests, cancellationToken, out var slow);
            progress?.Report($"batched: {batchSize} windows per pass, sorted by length");
            var batched = CausalScorer.Score(model, requests, batchSize, null, cancellationToken, out var fast);
            return new ForgettingBenchmarkResult(model.ModelType, model.Device.ToString(), dtype, requests.Length, batchSize, fast, slow, MaxDiff(batched, reference));
        }
    }

    /// <summary>Documents of varied length (an eighth of the window to twice it) of random token ids, when no corpus is given.</summary>
    public static IReadOnlyList<int[]> RandomDocuments(int count, int maxLength, int vocabulary, int seed)
    {
        var random = new Random(seed);
        return Enumerable.Range(0, count)
            .Select(_ => Enumerable.Range(0, random.Next(Math.Max(2, maxLength / 8), (2 * maxLength) + 1)).Select(_ => random.Next(vocabulary)).ToArray())
            .ToArray();
    }

    private static IEnumerable<int[]> Chunks(int[] document, int length)
    {
        for (var start = 0; start < document.Length; start += length)
        {
            yield return document[start..Math.Min(document.Length, start + length)];
        }
    }

    private static double MaxDiff(float[][] a, float[][] b)
    {
        double max = 0;
        for (var i = 0; i < a.Length; i++)
        {
            for (var j = 0; j < a[i].Length; j++)
            {
                max = Math.Max(max, Math.Abs(a[i][j] - b[i][j]));
            }
        }

        return max;
    }
}
