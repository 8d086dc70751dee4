namespace ModelGate.Core.Gating;

/// <summary>
/// When the gate measures forgetting (the policy's <c>forgetting.when</c>): the benchmark costs minutes to hours, the
/// intruder count seconds, so a calibrated policy can let the count decide whether the benchmark is needed.
/// </summary>
public enum ForgettingWhen
{
    /// <summary>Every run that has a corpus or tasks (<c>"always"</c>, the default).</summary>
    Always = 0,

    /// <summary>
    /// Only when an intruder rule warns or fails (<c>"intrudersAbove"</c>): a count above its warn level is what a
    /// calibration found to predict forgetting. Otherwise the forgetting rules are skipped and the result says why.
    /// </summary>
    IntrudersAbove = 1,
}
