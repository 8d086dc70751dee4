using ModelGate.Core.Forgetting;
using static TorchSharp.torch;

namespace ModelGate.Forgetting.Models;

/// <summary>
/// LLaMA-family decoders (<c>modeling_llama.py</c>, <c>modeling_mistral.py</c>, <c>modeling_qwen2.py</c>): pre-norm
/// blocks of RMSNorm → grouped-query attention with rotary positions → residual, RMSNorm → SwiGLU MLP → residual;
/// a final RMSNorm and an lm_head, tied to the embeddings or not. The three differ only in biases and windows:
/// LLaMA has <c>attention_bias</c> (q, k, v, o) and <c>mlp_bias</c>; Qwen2 always biases q, k, v; Mistral and Qwen2
/// may limit attention to a sliding window.
/// </summary>
internal sealed class LlamaFamilyModel : LanguageModelModule
{
    private readonly EmbeddingLayer _embedTokens;
    private readonly Block[] _layers;
    private readonly RmsNormLayer _norm;
    private readonly LinearLayer? _lmHead;
    private readonly RotaryEmbedding _rotary;
    private readonly long _heads;
    private readonly long _keyValueHeads;
    private readonly long _headDim;
    private readonly Func<Tensor, Tensor> _activation;

    public LlamaFamilyModel(ModelConfig config, TensorPlacement placement)
        : base("LlamaFamilyModel", config)
    {
        var modelType = config.ModelType;
        var hidden = config.RequirePositiveInt("hidden_size");
        var intermediate = config.RequirePositiveInt("intermediate_size");
        var layers = config.RequirePositiveInt("num_hidden_layers");
        _heads = config.RequirePositiveInt("num_attention_heads");
        _keyValueHeads = config.IntOrNull("num_key_value_heads") ?? _heads;
        if (_keyValueHeads <= 0 || _heads % _keyValueHeads != 0)
        {
            throw config.Invalid("num_key_value_heads", $"is {_keyValueHeads}; it must divide num_attention_heads ({_heads})");
        }

        _headDim = config.IntOrNull("head_dim") ?? hidden / _heads;
        if (config.IntOrNull("head_dim") is null && hidden % _heads != 0)
        {
            throw config.Invalid("num_attention_heads", $"({_heads}) does not divide hidden_size ({hidden}) and there is no head_dim");
        }

        VocabularySize = config.RequirePositiveInt("vocab_size");
        MaxPositions = config.IntOrDefault("max_position_embeddings", 2048);
        var epsilon = config.DoubleOrDefault("rms_norm_eps", 1e-6);
        _activation = Activations.From(config, "hidden_act", "silu");
        _rotary = new RotaryEmbedding(config, _headDim);

        var (qkvBias, outputBias, mlpBias) = modelType switch
        {
            "qwen2" => (true, false, false),
            "mistral" => (false, false, false),
            _ => (config.BoolOrDefault("attention_bias", false), config.BoolOrDefault("attention_bias", false), config.BoolOrDefault("mlp_bias", false)),
        };

        var model = new ModuleGroup("model");
        _embedTokens = model.Add("embed_tokens", new EmbeddingLayer("embed_tokens", VocabularySize, hidden, placement));
        var blocks = new ModuleGroup("layers");
        _layers = new Block[layers];
        for (var i = 0; i < layers; i++)
        {
            var block = new ModuleGroup(i.ToString(System.Globalization.CultureInfo.InvariantCulture));
            var attention = block.Add("self_attn", new ModuleGroup("self_attn"));
            var mlp = block.Add("mlp", new ModuleGroup("mlp"));
            _layers[i] = new Block(
                block.Add("input_layernorm", new RmsNormLayer("input_layernorm", hidden, epsilon, placement)),
                attention.Add("q_proj", new LinearLayer("q_proj", hidden, _heads * _headDim, qkvBias, placement)),
                attention.Add("k_proj", new LinearLayer("k_proj", hidden, _keyValueHeads * _headDim, qkvBias, placement)),
                attention.Add("v_proj", new LinearLayer("v_proj", hidden, _keyValueHeads * _headDim, qkvBias, placement)),
                attention.Add("o_proj", new LinearLayer("o_proj", _heads * _headDim, hidden, outputBias, placement)),
                block.Add("post_attention_layernorm", new RmsNormLayer("post_attention_layernorm", hidden, epsilon, placement)),
                mlp.Add("gate_proj", new LinearLayer("gate_proj", hidden, intermediate, mlpBias, placement)),
                mlp.Add("up_proj", new LinearLayer("up_proj", hidden, intermediate, mlpBias, placement)),
                mlp.Add("down_proj", new LinearLayer("down_proj", intermediate, hidden, mlpBias, placement)),
                SlidingWindow(config, modelType, i));
            blocks.Add(block.GetName(), block);
        }

        model.Add("layers", blocks);
        _norm = model.Add("norm", new RmsNormLayer("norm", hidden, epsilon, placement));
        register_module("model", model);
        if (!config.BoolOrDefault("tie_word_embeddings", false))
        {
            _lmHead = new LinearLayer("lm_head", hidden, VocabularySize, false, placement);
            register_module("lm_head", _lmHead);
        }
    }

    public override LanguageModelKind Kind => LanguageModelKind.Causal;

    public override int VocabularySize { get; }

    public override int MaxPositions { get; }

    internal RotaryEmbedding Rotary => _rotary;

    public override Tensor forward(Tensor inputIds, Tensor? attentionMask)
    {
        CheckInputs(inputIds, attentionMask);
        var length = inputIds.shape[1];
        var device = inputIds.device;
        var hidden = _embedTokens.forward(inputIds);
        var (cos, sin) = _rotary.Angles(length, device, hidden.dtype);
        var masks = new Dictionary<int, Tensor>();
        var scaling = 1.0 / Math.Sqrt(_headDim);
        foreach (var layer in _layers)
        {
            var window = layer.SlidingWindow is { } w && w < length ? w : 0;
            if (!masks.TryGetValue(window, out var allowed))
            {
                masks[window] = allowed = AttentionMasks.Causal(length, window == 0 ? null : window, attentionMask, device);
            }

            var x = layer.InputNorm.forward(hidden);
            var q = RotaryEmbedding.Apply(AttentionMath.SplitHeads(layer.Query.forward(x), _heads, _headDim), cos, sin);
            var k = RotaryEmbedding.Apply(AttentionMath.SplitHeads(layer.Key.forward(x), _keyValueHeads, _headDim), cos, sin);
            var v = AttentionMath.SplitHeads(layer.Value.forward(x), _keyValueHeads, _headDim);
            var attended = AttentionMath.MergeHeads(AttentionMath.Attend(q, k, v, allowed, scaling));
            hidden = hidden.add(layer.Output.forward(attended));

            x = layer.PostAttentionNorm.forward(hidden);
            var gated = _activation(layer.Gate.forward(x)).mul(layer.Up.forward(x));
            hidden = hidden.add(layer.Down.forward(gated));
        }

        hidden = _norm.forward(hidden);
        return _lmHead is null ? hidden.matmul(_embedTokens.Weight.t()) : _lmHead.forward(hidden);
    }

    /// <summary>
    /// Mistral applies <c>sliding_window</c> to every layer; Qwen2 to the layers that <c>layer_types</c> marks
    /// <c>sliding_attention</c> (older configs: <c>use_sliding_window</c> and layers from <c>max_window_layers</c> on).
    /// </summary>
    private static int? SlidingWindow(ModelConfig config, string modelType, int layer)
    {
        var window = config.IntOrNull("sliding_window");
        if (window is null)
        {
            return null;
        }

        if (window <= 0)
        {
            throw config.Invalid("sliding_window", $"is {window}; it must be positive or null");
        }

        if (config.Strings("layer_types") is { } types)
        {
            if (layer >= types.Count)
            {
                throw config.Invalid("layer_types", $"has {types.Count} entries but the model has more layers");
            }

            return types[layer] == "sliding_attention" ? window : null;
        }

        return modelType switch
        {
            "qwen2" => config.BoolOrDefault("use_sliding_window", false) && layer >= config.IntOrDefault("max_window_layers", 28) ? window : null,
            "mistral" => window,
            _ => null,
        };
    }

    private sealed record Block(
        RmsNormLayer InputNorm, LinearLayer Query, LinearLayer Key, LinearLayer Value, LinearLayer Output,
        RmsNormLayer PostAttentionNorm, LinearLayer Gate, LinearLayer Up, LinearLayer Down, int? SlidingWindow);
}
