namespace ModelGate.Forgetting.Metrics;

/// <summary>
/// Caps a batch so the memory its logits take stays small next to the model's own: at most 1 GiB of float32 logits
/// (<see cref="MaxElements"/>: [8, 1024, 128k] for a Llama 3 vocabulary would be 4 GiB in one tensor), and at most
/// <see cref="ShareOfWeights"/> of the model's weight bytes, never less than <see cref="FloorBytes"/>, at
/// <see cref="BytesPerLogit"/>. Without the second cap a 1B model with a 128k vocabulary scored at the default batch of
/// 8 peaked at 2.0× its weights on a CPU (docs/benchmarks.md); a small model keeps its whole batch. Batches are cut
/// longest-first, so the first row sets the width.
/// </summary>
internal static class LogitsBudget
{
    /// <summary>2²⁸ float32 values, 1 GiB of logits per forward pass.</summary>
    public const long MaxElements = 1L << 28;

    /// <summary>
    /// What one logit of a batch costs at its peak: the model's logits, their float32 copy and logsumexp's
    /// temporaries. Measured: about 250 MB per [128, 128256] row (15 bytes a logit) scoring Llama-3.2-1B's shape in bf16.
    /// </summary>
    public const long BytesPerLogit = 16;

    /// <summary>The share of the weights' bytes a batch's logits may take, so that a forgetting pass stays within about 1.5× the model.</summary>
    public const double ShareOfWeights = 0.15;

    /// <summary>Small models keep their batch (where batching pays most on a CPU): 64 MiB of logits are always allowed.</summary>
    public const long FloorBytes = 64L << 20;

    public static int Rows(int batchSize, int width, int vocabulary, long weightBytes)
    {
        var perRow = Math.Max(1L, (long)Math.Max(1, width) * Math.Max(1, vocabulary));
        var budget = Math.Max(FloorBytes, (long)(ShareOfWeights * weightBytes)) / BytesPerLogit;
        return (int)Math.Clamp(Math.Min(MaxElements, budget) / perRow, 1, batchSize);
    }
}
