namespace ModelGate.Forgetting.Metrics;

/// <summary>
/// One sequence for a causal LM: <see cref="Tokens"/> go in, and the log-probability of every token from index
/// <see cref="FirstScored"/> (at least 1) to the end is read off, each predicted from the tokens before it.
/// </summary>
public readonly record struct CausalRequest(int[] Tokens, int FirstScored)
{
    public int Scored => Tokens.Length - FirstScored;
}
