namespace ModelGate.Forgetting.Metrics;

/// <summary>
/// One sequence for a masked LM: for each of <see cref="Positions"/>, a copy with that token replaced by the mask
/// token, scored by the log-probability of the original token there (Salazar et al. 2020).
/// </summary>
public readonly record struct MaskedRequest(int[] Tokens, int[] Positions);
