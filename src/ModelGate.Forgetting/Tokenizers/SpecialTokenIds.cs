namespace ModelGate.Forgetting.Tokenizers;

/// <summary>
/// The special tokens a model folder names (tokenizer_config.json, special_tokens_map.json, tokenizer.json's
/// added tokens); null where the folder names none.
/// </summary>
public sealed record SpecialTokenIds
{
    public int? Bos { get; init; }

    public int? Eos { get; init; }

    public int? Pad { get; init; }

    public int? Mask { get; init; }

    public int? Cls { get; init; }

    public int? Sep { get; init; }

    public int? Unk { get; init; }
}
