using ModelGate.Core.Forgetting;
using static TorchSharp.torch;

namespace ModelGate.Forgetting.Models;

/// <summary>
/// A model loaded for the forgetting benchmarks: token ids in, logits out, inference only.
/// The metrics depend on this and nothing else, so every architecture plugs in behind it.
/// </summary>
public interface ILanguageModel : IDisposable
{
    /// <summary>The <c>model_type</c> of config.json, e.g. <c>llama</c>, <c>gpt2</c>, <c>roberta</c>.</summary>
    string ModelType { get; }

    LanguageModelKind Kind { get; }

    int VocabularySize { get; }

    /// <summary>Longest sequence the model accepts (<c>max_position_embeddings</c> or <c>n_positions</c>; for RoBERTa minus its padding offset).</summary>
    int MaxPositions { get; }

    Device Device { get; }

    /// <summary>Bytes of the parameters as loaded (their dtype's size): what a batch's working memory is weighed against.</summary>
    long WeightBytes { get; }

    /// <summary>
    /// Logits for a batch. <paramref name="inputIds"/> is int64 [batch, time]; <paramref name="attentionMask"/> is int64
    /// [batch, time] with 1 for tokens and 0 for right-padding, or null when nothing is padded. Returns float32
    /// [batch, time, vocabulary] on <see cref="Device"/>, computed without gradients.
    /// </summary>
    Tensor Forward(Tensor inputIds, Tensor? attentionMask);
}
