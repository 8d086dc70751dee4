using ModelGate.Core.Forgetting;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace ModelGate.Forgetting.Models;

/// <summary>
/// BERT and RoBERTa masked LMs (<c>modeling_bert.py</c>, <c>modeling_roberta.py</c>): word + position + token-type
/// embeddings and LayerNorm; post-LayerNorm encoder blocks (attention → dense → LayerNorm(x + ·), then
/// intermediate → output → LayerNorm(x + ·)); the MLM head dense → activation → LayerNorm → decoder tied to the word
/// embeddings, plus a vocabulary bias. RoBERTa differs in names (<c>roberta.</c>, <c>lm_head</c>), a head that
/// always uses gelu, and positions counted from <c>padding_idx + 1</c> over non-padding tokens only
/// (<c>create_position_ids_from_input_ids</c>). Token types are all 0, as transformers fills them when none are given.
/// </summary>
internal sealed class BertFamilyModel : LanguageModelModule
{
    private readonly bool _roberta;
    private readonly long _paddingIndex;
    private readonly EmbeddingLayer _words;
    private readonly EmbeddingLayer _positions;
    private readonly EmbeddingLayer _tokenTypes;
    private readonly LayerNormLayer _embeddingNorm;
    private readonly Block[] _blocks;
    private readonly LinearLayer _headDense;
    private readonly LayerNormLayer _headNorm;
    private readonly LinearLayer? _decoder;
    private readonly Parameter _headBias;
    private readonly long _heads;
    private readonly long _headDim;
    private readonly Func<Tensor, Tensor> _activation;
    private readonly Func<Tensor, Tensor> _headActivation;

    public BertFamilyModel(ModelConfig config, TensorPlacement placement)
        : base("BertFamilyModel", config)
    {
        _roberta = config.ModelType != "bert";
        var hidden = config.RequirePositiveInt("hidden_size");
        var intermediate = config.RequirePositiveInt("intermediate_size");
        var layers = config.RequirePositiveInt("num_hidden_layers");
        _heads = config.RequirePositiveInt("num_attention_heads");
        if (hidden % _heads != 0)
        {
            throw config.Invalid("num_attention_heads", $"({_heads}) does not divide hidden_size ({hidden})");
        }

        _headDim = hidden / _heads;
        VocabularySize = config.RequirePositiveInt("vocab_size");
        var positions = config.RequirePositiveInt("max_position_embeddings");
        _paddingIndex = config.IntOrDefault("pad_token_id", _roberta ? 1 : 0);
        MaxPositions = _roberta ? positions - (int)_paddingIndex - 1 : positions;
        if (MaxPositions <= 0)
        {
            throw config.Invalid("max_position_embeddings", $"is {positions}, which leaves no positions after RoBERTa's padding offset {_paddingIndex + 1}");
        }

        var typeCount = config.IntOrDefault("type_vocab_size", 2);
        var epsilon = config.DoubleOrDefault("layer_norm_eps", 1e-12);
        _activation = Activations.From(config, "hidden_act", "gelu");
        // RobertaLMHead calls gelu directly; BertPredictionHeadTransform uses hidden_act.
        _headActivation = _roberta ? x => nn.functional.gelu(x) : _activation;

        var prefix = _roberta ? "roberta" : "bert";
        var backbone = new ModuleGroup(prefix);
        var embeddings = backbone.Add("embeddings", new ModuleGroup("embeddings"));
        _words = embeddings.Add("word_embeddings", new EmbeddingLayer("word_embeddings", VocabularySize, hidden, placement));
        _positions = embeddings.Add("position_embeddings", new EmbeddingLayer("position_embeddings", positions, hidden, placement));
        _tokenTypes = embeddings.Add("token_type_embeddings", new EmbeddingLayer("token_type_embeddings", typeCount, hidden, placement));
        _embeddingNorm = embeddings.Add("LayerNorm", new LayerNormLayer("LayerNorm", hidden, epsilon, placement));

        var encoder = backbone.Add("encoder", new ModuleGroup("encoder"));
        var blocks = new ModuleGroup("layer");
        _blocks = new Block[layers];
        for (var i = 0; i < layers; i++)
        {
            var block = new ModuleGroup(i.ToString(System.Globalization.CultureInfo.InvariantCulture));
            var attention = block.Add("attention", new ModuleGroup("attention"));
            var self = attention.Add("self", new ModuleGroup("self"));
            var attentionOutput = attention.Add("output", new ModuleGroup("output"));
            var intermediateGroup = block.Add("intermediate", new ModuleGroup("intermediate"));
            var output = block.Add("output", new ModuleGroup("output"));
            _blocks[i] = new Block(
                self.Add("query", new LinearLayer("query", hidden, hidden, true, placement)),
                self.Add("key", new LinearLayer("key", hidden, hidden, true, placement)),
                self.Add("value", new LinearLayer("value", hidden, hidden, true, placement)),
                attentionOutput.Add("dense", new LinearLayer("dense", hidden, hidden, true, placement)),
                attentionOutput.Add("LayerNorm", new LayerNormLayer("LayerNorm", hidden, epsilon, placement)),
                intermediateGroup.Add("dense", new LinearLayer("dense", hidden, intermediate, true, placement)),
                output.Add("dense", new LinearLayer("dense", intermediate, hidden, true, placement)),
                output.Add("LayerNorm", new LayerNormLayer("LayerNorm", hidden, epsilon, placement)));
            blocks.Add(block.GetName(), block);
        }

        encoder.Add("layer", blocks);
        register_module(prefix, backbone);

        var tied = config.BoolOrDefault("tie_word_embeddings", true);
        if (_roberta)
        {
            var head = new ModuleGroup("lm_head");
            _headDense = head.Add("dense", new LinearLayer("dense", hidden, hidden, true, placement));
            _headNorm = head.Add("layer_norm", new LayerNormLayer("layer_norm", hidden, epsilon, placement));
            _headBias = head.AddParameter("bias", placement.NewParameter(VocabularySize));
            _decoder = tied ? null : head.Add("decoder", new LinearLayer("decoder", hidden, VocabularySize, false, placement));
            register_module("lm_head", head);
        }
        else
        {
            var cls = new ModuleGroup("cls");
            var predictions = cls.Add("predictions", new ModuleGroup("predictions"));
            var transform = predictions.Add("transform", new ModuleGroup("transform"));
            _headDense = transform.Add("dense", new LinearLayer("dense", hidden, hidden, true, placement));
            _headNorm = transform.Add("LayerNorm", new LayerNormLayer("LayerNorm", hidden, epsilon, placement));
            _headBias = predictions.AddParameter("bias", placement.NewParameter(VocabularySize));
            _decoder = tied ? null : predictions.Add("decoder", new LinearLayer("decoder", hidden, VocabularySize, false, placement));
            register_module("cls", cls);
        }
    }

    public override LanguageModelKind Kind => LanguageModelKind.Masked;

    public override int VocabularySize { get; }

    public override int MaxPositions { get; }

    /// <summary>Older exports store the vocabulary bias on the decoder (<c>cls.predictions.decoder.bias</c>, <c>lm_head.decoder.bias</c>).</summary>
    public override IEnumerable<string> AlternativeNames(string parameterName) => parameterName switch
    {
        "cls.predictions.bias" => ["cls.predictions.decoder.bias"],
        "lm_head.bias" => ["lm_head.decoder.bias"],
        _ => [],
    };

    public override Tensor forward(Tensor inputIds, Tensor? attentionMask)
    {
        CheckInputs(inputIds, attentionMask);
        var length = inputIds.shape[1];
        var device = inputIds.device;
        Tensor positions;
        if (_roberta)
        {
            // create_position_ids_from_input_ids: cumsum(mask) * mask + padding_idx, mask = input_ids != padding_idx.
            var notPadding = inputIds.ne(_paddingIndex).to_type(ScalarType.Int64);
            positions = notPadding.cumsum(1).mul(notPadding).add(_paddingIndex);
        }
        else
        {
            positions = arange(length, ScalarType.Int64, device).unsqueeze(0);
        }

        var tokenTypes = zeros([1, 1], ScalarType.Int64, device);
        var hidden = _words.forward(inputIds).add(_tokenTypes.forward(tokenTypes)).add(_positions.forward(positions));
        hidden = _embeddingNorm.forward(hidden);
        var allowed = attentionMask is null ? null : AttentionMasks.Padding(attentionMask);
        var scaling = 1.0 / Math.Sqrt(_headDim);
        foreach (var block in _blocks)
        {
            var attended = AttentionMath.Attend(
                AttentionMath.SplitHeads(block.Query.forward(hidden), _heads, _headDim),
                AttentionMath.SplitHeads(block.Key.forward(hidden), _heads, _headDim),
                AttentionMath.SplitHeads(block.Value.forward(hidden), _heads, _headDim),
                allowed, scaling);
            hidden = block.AttentionNorm.forward(block.AttentionOutput.forward(AttentionMath.MergeHeads(attended)).add(hidden));
            var inner = _activation(block.Intermediate.forward(hidden));
            hidden = block.OutputNorm.forward(block.Output.forward(inner).add(hidden));
        }

        var transformed = _headNorm.forward(_headActivation(_headDense.forward(hidden)));
        var logits = _decoder is null ? transformed.matmul(_words.Weight.t()) : _decoder.forward(transformed);
        return logits.add(_headBias);
    }

    private sealed record Block(
        LinearLayer Query, LinearLayer Key, LinearLayer Value, LinearLayer AttentionOutput, LayerNormLayer AttentionNorm,
        LinearLayer Intermediate, LinearLayer Output, LayerNormLayer OutputNorm);
}
