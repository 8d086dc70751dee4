using static TorchSharp.torch;

namespace ModelGate.Forgetting.Models;

/// <summary>Boolean "query may attend to key" masks, shaped to broadcast over [batch, heads, query, key].</summary>
internal static class AttentionMasks
{
    /// <summary>
    /// Causal, optionally limited to a sliding window (transformers 5's <c>sliding_window_overlay</c>: key k is visible
    /// from query q when q − window &lt; k ≤ q), and with right-padding keys hidden when <paramref name="attentionMask"/>
    /// is given. [1 or b, 1, t, t].
    /// </summary>
    public static Tensor Causal(long length, int? slidingWindow, Tensor? attentionMask, Device device)
    {
        var query = arange(length, ScalarType.Int64, device).unsqueeze(1);
        var key = arange(length, ScalarType.Int64, device).unsqueeze(0);
        var allowed = key.le(query);
        if (slidingWindow is { } window)
        {
            allowed = allowed.logical_and(key.gt(query.sub(window)));
        }

        allowed = allowed.unsqueeze(0).unsqueeze(0);
        return attentionMask is null ? allowed : allowed.logical_and(Padding(attentionMask));
    }

    /// <summary>Only the padding: [b, 1, 1, t], true where the key is a real token. For bidirectional encoders.</summary>
    public static Tensor Padding(Tensor attentionMask) => attentionMask.ne(0).unsqueeze(1).unsqueeze(1);
}
