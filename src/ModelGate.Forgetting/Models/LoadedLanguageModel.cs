using ModelGate.Core.Forgetting;
using static TorchSharp.torch;

namespace ModelGate.Forgetting.Models;

/// <summary>A loaded module behind <see cref="ILanguageModel"/>: no gradients, inputs moved to its device, float32 logits.</summary>
internal sealed class LoadedLanguageModel : ILanguageModel
{
    private readonly LanguageModelModule _module;

    public LoadedLanguageModel(LanguageModelModule module, Device device)
    {
        _module = module;
        Device = device;
        WeightBytes = _module.parameters().Sum(p => p.numel() * p.ElementSize);
        _module.eval();
    }

    public string ModelType => _module.Config.ModelType;

    public LanguageModelKind Kind => _module.Kind;

    public int VocabularySize => _module.VocabularySize;

    public int MaxPositions => _module.MaxPositions;

    public Device Device { get; }

    public long WeightBytes { get; }

    public Tensor Forward(Tensor inputIds, Tensor? attentionMask)
    {
        ArgumentNullException.ThrowIfNull(inputIds);
        using var noGrad = no_grad();
        using var scope = NewDisposeScope();
        // int32 ids (what many tokenizers hand out) are accepted too; embeddings index with int64.
        var ids = inputIds.to(ScalarType.Int64).to(Device);
        var mask = attentionMask?.to(ScalarType.Int64).to(Device);
        return _module.forward(ids, mask).to_type(ScalarType.Float32).MoveToOuterDisposeScope();
    }

    public void Dispose() => _module.Dispose();
}
