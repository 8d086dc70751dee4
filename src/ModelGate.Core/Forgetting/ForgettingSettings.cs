namespace ModelGate.Core.Forgetting;

/// <summary>How the forgetting benchmarks run; null lengths are taken from the model.</summary>
public sealed record ForgettingSettings
{
    /// <summary>Longest window in tokens; default the model's positions, at most <see cref="DefaultMaxLength"/>.</summary>
    public int? MaxLength { get; init; }

    /// <summary>Tokens between window starts; default half of <see cref="MaxLength"/> (the perplexity guide's 512 of 1024).</summary>
    public int? Stride { get; init; }

    /// <summary>Sequences (or masked copies) per forward pass.</summary>
    public const int DefaultBatchSize = 8;

    public int BatchSize { get; init; } = DefaultBatchSize;

    /// <summary>
    /// Put the tokenizer's BOS (else EOS) token before each document, so its first token is scored too (lm-eval's
    /// rolling log-likelihood does the same with its prefix token). Without it the first token has no context and is skipped.
    /// </summary>
    public bool PrependBos { get; init; } = true;

    /// <summary>Paired-bootstrap resamples for the intervals; 0 gives point values only.</summary>
    public int BootstrapSamples { get; init; } = 1000;

    public int Seed { get; init; } = 1234;

    /// <summary>
    /// A corpus of fewer documents is resampled in blocks of consecutive tokens instead: a percentile bootstrap over a
    /// handful of documents is jagged, and over one it is a single point. 30 is the usual rule of thumb for a mean of
    /// independent samples to be close to normal.
    /// </summary>
    public const int MinDocumentsToResample = 30;

    public double Confidence { get; init; } = 0.95;

    public const int DefaultMaxLength = 1024;
}
