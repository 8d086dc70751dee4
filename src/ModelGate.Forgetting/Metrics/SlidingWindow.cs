namespace ModelGate.Forgetting.Metrics;

/// <summary>
/// The strided sliding window of Hugging Face's perplexity guide (transformers docs, "Perplexity of fixed-length
/// models"): windows of at most <c>maxLength</c> tokens start every <c>stride</c> tokens; each window scores only
/// the tokens the previous window did not, so every token after the first is scored exactly once, with up to
/// <c>maxLength</c> − 1 tokens of context (at least <c>maxLength</c> − <c>stride</c> once past the first window).
/// </summary>
public static class SlidingWindow
{
    public static IReadOnlyList<CausalRequest> Plan(int[] tokens, int maxLength, int stride)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(maxLength, 2);
        ArgumentOutOfRangeException.ThrowIfLessThan(stride, 1);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(stride, maxLength);
        var windows = new List<CausalRequest>();
        var previousEnd = 0;
        for (var begin = 0; begin < tokens.Length; begin += stride)
        {
            var end = Math.Min(begin + maxLength, tokens.Length);
            var first = Math.Max(previousEnd - begin, 1);
            if (first < end - begin)
            {
                windows.Add(new CausalRequest(tokens[begin..end], first));
            }

            previousEnd = end;
            if (end == tokens.Length)
            {
                break;
            }
        }

        return windows;
    }
}
