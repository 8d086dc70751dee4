namespace ModelGate.Forgetting.Metrics;

/// <summary>
/// Caps a batch so its float32 logits stay within 1 GiB (<see cref="MaxElements"/>): [8, 1024, 128k] for a Llama 3
/// vocabulary would be 4 GiB in one tensor. Batches are cut longest-first, so the first row sets the width.
/// </summary>
internal static class LogitsBudget
{
    /// <summary>2²⁸ float32 values, 1 GiB of logits per forward pass.</summary>
    public const long MaxElements = 1L << 28;

    public static int Rows(int batchSize, int width, int vocabulary)
    {
        var perRow = Math.Max(1L, (long)Math.Max(1, width) * Math.Max(1, vocabulary));
        return (int)Math.Clamp(MaxElements / perRow, 1, batchSize);
    }
}
