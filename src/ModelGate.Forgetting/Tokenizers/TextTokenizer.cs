namespace ModelGate.Forgetting.Tokenizers;

/// <summary>
/// A model folder's tokenizer: text to ids as Hugging Face <c>tokenizers</c> would produce them, the special ids,
/// and the template the folder adds around a sequence (<c>addSpecialTokens</c>, as in transformers).
/// </summary>
public sealed class TextTokenizer
{
    private readonly Func<string, IReadOnlyList<int>> _encode;
    private readonly HashSet<int> _specialIds;

    internal TextTokenizer(string description, Func<string, IReadOnlyList<int>> encode, SpecialTokenIds special,
        IEnumerable<int> specialIds, SpecialTokenTemplate template)
    {
        Description = description;
        _encode = encode;
        Special = special;
        Template = template;
        _specialIds = [.. specialIds];
        foreach (var id in new[] { special.Bos, special.Eos, special.Pad, special.Mask, special.Cls, special.Sep, special.Unk })
        {
            if (id is { } v)
            {
                _specialIds.Add(v);
            }
        }

        _specialIds.UnionWith(template.Prefix);
        _specialIds.UnionWith(template.Suffix);
    }

    /// <summary>Which files and which algorithm, e.g. <c>tokenizer.json: byte-level BPE (Microsoft.ML.Tokenizers)</c>.</summary>
    public string Description { get; }

    public SpecialTokenIds Special { get; }

    /// <summary>What <c>addSpecialTokens</c> puts before and after one sequence (tokenizer.json's post-processor).</summary>
    public SpecialTokenTemplate Template { get; }

    /// <summary>Ids of <paramref name="text"/>; with <paramref name="addSpecialTokens"/> wrapped in <see cref="Template"/>.</summary>
    public IReadOnlyList<int> Encode(string text, bool addSpecialTokens)
    {
        ArgumentNullException.ThrowIfNull(text);
        var ids = _encode(text);
        return addSpecialTokens ? Template.Apply(ids) : ids;
    }

    /// <summary>True for ids that are not text: added special tokens and the template's tokens (excluded from pseudo-likelihoods).</summary>
    public bool IsSpecial(int id) => _specialIds.Contains(id);
}
