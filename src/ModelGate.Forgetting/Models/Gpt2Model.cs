using ModelGate.Core.Forgetting;
using static TorchSharp.torch;

namespace ModelGate.Forgetting.Models;

/// <summary>
/// GPT-2 (<c>modeling_gpt2.py</c>): token + learned position embeddings, pre-LayerNorm blocks whose projections are
/// <c>Conv1D</c> (weights stored in × out), gelu_new MLP, a final LayerNorm and the head tied to <c>wte</c>.
/// Attention scores are divided by √head_dim (<c>scale_attn_weights</c>) and, when the config says so, by layer + 1.
/// </summary>
internal sealed class Gpt2Model : LanguageModelModule
{
    private readonly EmbeddingLayer _tokens;
    private readonly EmbeddingLayer _positions;
    private readonly Block[] _blocks;
    private readonly LayerNormLayer _finalNorm;
    private readonly LinearLayer? _lmHead;
    private readonly long _heads;
    private readonly long _headDim;
    private readonly bool _scaleByDimension;
    private readonly bool _scaleByLayer;
    private readonly Func<Tensor, Tensor> _activation;

    public Gpt2Model(ModelConfig config, TensorPlacement placement)
        : base("Gpt2Model", config)
    {
        var hidden = config.RequirePositiveInt("n_embd");
        var layers = config.RequirePositiveInt("n_layer");
        _heads = config.RequirePositiveInt("n_head");
        if (hidden % _heads != 0)
        {
            throw config.Invalid("n_head", $"({_heads}) does not divide n_embd ({hidden})");
        }

        _headDim = hidden / _heads;
        var inner = config.IntOrNull("n_inner") ?? 4 * hidden;
        VocabularySize = config.RequirePositiveInt("vocab_size");
        MaxPositions = config.RequirePositiveInt("n_positions");
        var epsilon = config.DoubleOrDefault("layer_norm_epsilon", 1e-5);
        _scaleByDimension = config.BoolOrDefault("scale_attn_weights", true);
        _scaleByLayer = config.BoolOrDefault("scale_attn_by_inverse_layer_idx", false);
        _activation = Activations.From(config, "activation_function", "gelu_new");

        var transformer = new ModuleGroup("transformer");
        _tokens = transformer.Add("wte", new EmbeddingLayer("wte", VocabularySize, hidden, placement));
        _positions = transformer.Add("wpe", new EmbeddingLayer("wpe", MaxPositions, hidden, placement));
        var blocks = new ModuleGroup("h");
        _blocks = new Block[layers];
        for (var i = 0; i < layers; i++)
        {
            var block = new ModuleGroup(i.ToString(System.Globalization.CultureInfo.InvariantCulture));
            var attention = block.Add("attn", new ModuleGroup("attn"));
            var mlp = block.Add("mlp", new ModuleGroup("mlp"));
            _blocks[i] = new Block(
                block.Add("ln_1", new LayerNormLayer("ln_1", hidden, epsilon, placement)),
                attention.Add("c_attn", new LinearLayer("c_attn", hidden, 3 * hidden, true, placement, storedInByOut: true)),
                attention.Add("c_proj", new LinearLayer("c_proj", hidden, hidden, true, placement, storedInByOut: true)),
                block.Add("ln_2", new LayerNormLayer("ln_2", hidden, epsilon, placement)),
                mlp.Add("c_fc", new LinearLayer("c_fc", hidden, inner, true, placement, storedInByOut: true)),
                mlp.Add("c_proj", new LinearLayer("c_proj", inner, hidden, true, placement, storedInByOut: true)));
            blocks.Add(block.GetName(), block);
        }

        transformer.Add("h", blocks);
        _finalNorm = transformer.Add("ln_f", new LayerNormLayer("ln_f", hidden, epsilon, placement));
        register_module("transformer", transformer);
        if (!config.BoolOrDefault("tie_word_embeddings", true))
        {
            _lmHead = new LinearLayer("lm_head", hidden, VocabularySize, false, placement);
            register_module("lm_head", _lmHead);
        }
    }

    public override LanguageModelKind Kind => LanguageModelKind.Causal;

    public override int VocabularySize { get; }

    public override int MaxPositions { get; }

    /// <summary>OpenAI's original exports have no <c>transformer.</c> prefix (<c>h.0.attn.c_attn.weight</c>, <c>wte.weight</c>).</summary>
    public override IEnumerable<string> AlternativeNames(string parameterName) =>
        parameterName.StartsWith("transformer.", StringComparison.Ordinal) ? [parameterName["transformer.".Length..]] : [];

    public override Tensor forward(Tensor inputIds, Tensor? attentionMask)
    {
        CheckInputs(inputIds, attentionMask);
        var length = inputIds.shape[1];
        var device = inputIds.device;
        var positions = arange(length, ScalarType.Int64, device).unsqueeze(0);
        var hidden = _tokens.forward(inputIds).add(_positions.forward(positions));
        var allowed = AttentionMasks.Causal(length, null, attentionMask, device);
        for (var i = 0; i < _blocks.Length; i++)
        {
            var block = _blocks[i];
            var scaling = (_scaleByDimension ? 1.0 / Math.Sqrt(_headDim) : 1.0) / (_scaleByLayer ? i + 1 : 1);
            var qkv = block.Attention.forward(block.Norm1.forward(hidden)).chunk(3, -1);
            var attended = AttentionMath.Attend(
                AttentionMath.SplitHeads(qkv[0], _heads, _headDim),
                AttentionMath.SplitHeads(qkv[1], _heads, _headDim),
                AttentionMath.SplitHeads(qkv[2], _heads, _headDim),
                allowed, scaling);
            hidden = hidden.add(block.AttentionOutput.forward(AttentionMath.MergeHeads(attended)));
            hidden = hidden.add(block.MlpOutput.forward(_activation(block.MlpInput.forward(block.Norm2.forward(hidden)))));
        }

        hidden = _finalNorm.forward(hidden);
        return _lmHead is null ? hidden.matmul(_tokens.Weight.t()) : _lmHead.forward(hidden);
    }

    private sealed record Block(
        LayerNormLayer Norm1, LinearLayer Attention, LinearLayer AttentionOutput, LayerNormLayer Norm2, LinearLayer MlpInput, LinearLayer MlpOutput);
}
