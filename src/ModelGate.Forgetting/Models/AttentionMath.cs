using TorchSharp;
using static TorchSharp.torch;

namespace ModelGate.Forgetting.Models;

/// <summary>
/// Scaled dot-product attention as transformers' eager path computes it: scores in the model dtype, masked and
/// soft-maxed in float32, cast back before the value product. Masks are boolean "may attend" tensors that broadcast
/// to [batch, heads, query, key].
/// </summary>
internal static class AttentionMath
{
    private static readonly Scalar MaskedScore = float.MinValue.ToScalar();

    /// <summary>q [b, h, t, d], k and v [b, kvHeads, t, d] (grouped-query: each key/value head serves h / kvHeads query heads).</summary>
    public static Tensor Attend(Tensor query, Tensor key, Tensor value, Tensor? allowed, double scaling)
    {
        var groups = query.shape[1] / key.shape[1];
        key = RepeatHeads(key, groups);
        value = RepeatHeads(value, groups);
        // Held until the end of the call: an implicitly converted Scalar may be finalized while libtorch reads it.
        using var scale = scaling.ToScalar();
        var scores = query.matmul(key.transpose(2, 3)).mul(scale).to_type(ScalarType.Float32);
        if (allowed is not null)
        {
            // transformers adds finfo.min where masking; filling with it is the same and cannot overflow.
            scores = scores.masked_fill(allowed.logical_not(), MaskedScore);
        }

        var probabilities = scores.softmax(-1).to_type(query.dtype);
        return probabilities.matmul(value);
    }

    /// <summary><c>repeat_kv</c>: [b, kv, t, d] → [b, kv·n, t, d], each head repeated n times in place.</summary>
    public static Tensor RepeatHeads(Tensor x, long n)
    {
        if (n == 1)
        {
            return x;
        }

        var (b, kv, t, d) = (x.shape[0], x.shape[1], x.shape[2], x.shape[3]);
        return x.unsqueeze(2).expand(b, kv, n, t, d).reshape(b, kv * n, t, d);
    }

    /// <summary>[b, t, h·d] → [b, h, t, d].</summary>
    public static Tensor SplitHeads(Tensor x, long heads, long headDim) =>
        x.view(x.shape[0], x.shape[1], heads, headDim).transpose(1, 2);

    /// <summary>[b, h, t, d] → [b, t, h·d].</summary>
    public static Tensor MergeHeads(Tensor x) =>
        x.transpose(1, 2).contiguous().view(x.shape[0], x.shape[2], x.shape[1] * x.shape[3]);
}
