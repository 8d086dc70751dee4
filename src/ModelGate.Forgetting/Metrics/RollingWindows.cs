namespace ModelGate.Forgetting.Metrics;

/// <summary>
/// lm-evaluation-harness's <c>loglikelihood_rolling</c> windows (<c>lm_eval/utils.py</c>
/// <c>get_rolling_token_windows</c> with <c>context_len = 1</c>, as <c>HFLM.loglikelihood_rolling</c> calls it): the
/// first window predicts the first <c>maxLength</c> tokens from the prefix token; each later one predicts the next
/// <c>maxLength</c> tokens (fewer at the end) given only the one token before them, so every token is scored exactly
/// once, in disjoint blocks. This is what lm-eval's wikitext perplexities are computed on.
/// </summary>
public static class RollingWindows
{
    public static IReadOnlyList<CausalRequest> Plan(int[] tokens, int prefixToken, int maxLength)
    {
        ArgumentNullException.ThrowIfNull(tokens);
        ArgumentOutOfRangeException.ThrowIfLessThan(maxLength, 1);
        var windows = new List<CausalRequest>();
        if (tokens.Length == 0)
        {
            return windows;
        }

        var predicted = Math.Min(maxLength, tokens.Length);
        windows.Add(new CausalRequest([prefixToken, .. tokens[..predicted]], 1));
        while (predicted < tokens.Length)
        {
            var count = Math.Min(tokens.Length - predicted, maxLength);
            var end = predicted + count;
            // The model reads tokens[end - maxLength - 1 .. end - 1] and predicts the last `count` of tokens[.. end].
            var begin = end - maxLength - 1;
            windows.Add(new CausalRequest(tokens[begin..end], predicted - begin));
            predicted = end;
        }

        return windows;
    }
}
