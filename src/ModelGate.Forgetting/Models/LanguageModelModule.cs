using ModelGate.Core.Forgetting;
using static TorchSharp.torch;

namespace ModelGate.Forgetting.Models;

/// <summary>
/// An architecture as a trainable TorchSharp module: input ids [b, t] and an optional right-padding mask [b, t] in,
/// logits [b, t, vocabulary] out (in the parameters' dtype). Its parameters are named as transformers names the
/// checkpoint's tensors, so loading is a copy by name and training is ordinary autograd over <c>parameters()</c>.
/// Inference goes through <see cref="ILanguageModel"/>, which adds no_grad and float32 logits.
/// </summary>
public abstract class LanguageModelModule : nn.Module<Tensor, Tensor?, Tensor>
{
    protected LanguageModelModule(string name, ModelConfig config)
        : base(name)
    {
        Config = config;
    }

    public ModelConfig Config { get; }

    public abstract LanguageModelKind Kind { get; }

    public abstract int VocabularySize { get; }

    /// <summary>Longest sequence the position embeddings cover.</summary>
    public abstract int MaxPositions { get; }

    /// <summary>
    /// Other names a checkpoint may store this parameter under (older exports, a head's bias saved on its decoder),
    /// tried in order after the parameter's own name.
    /// </summary>
    public virtual IEnumerable<string> AlternativeNames(string parameterName) => [];

    /// <summary>Checks ids and mask before any arithmetic, so a bad batch fails with a message instead of an index error.</summary>
    protected void CheckInputs(Tensor inputIds, Tensor? attentionMask)
    {
        if (inputIds.dim() != 2 || inputIds.dtype != ScalarType.Int64)
        {
            throw new ArgumentException($"input ids must be int64 [batch, time], got {inputIds.dtype} [{string.Join(", ", inputIds.shape)}]", nameof(inputIds));
        }

        if (inputIds.shape[1] > MaxPositions)
        {
            throw new ArgumentException($"{inputIds.shape[1]} tokens are more than this model's {MaxPositions} positions", nameof(inputIds));
        }

        if (attentionMask is not null && !attentionMask.shape.SequenceEqual(inputIds.shape))
        {
            throw new ArgumentException($"attention mask [{string.Join(", ", attentionMask.shape)}] does not match input ids [{string.Join(", ", inputIds.shape)}]", nameof(attentionMask));
        }

        if (inputIds.numel() > 0)
        {
            var (min, max) = (inputIds.min().item<long>(), inputIds.max().item<long>());
            if (min < 0 || max >= VocabularySize)
            {
                throw new ArgumentException($"token ids must lie in [0, {VocabularySize}); got {min}..{max}", nameof(inputIds));
            }
        }
    }
}
