namespace ModelGate.Forgetting.Tokenizers;

/// <summary>
/// The ids a tokenizer adds around a single sequence when asked for special tokens: the <c>single</c> template of
/// tokenizer.json's <c>TemplateProcessing</c> (<c>&lt;s&gt; $A</c> for Llama), <c>[CLS] $A [SEP]</c> for BERT and
/// RoBERTa processing, nothing for GPT-2.
/// </summary>
public sealed record SpecialTokenTemplate(IReadOnlyList<int> Prefix, IReadOnlyList<int> Suffix)
{
    public static SpecialTokenTemplate None { get; } = new([], []);

    public IReadOnlyList<int> Apply(IReadOnlyList<int> ids)
    {
        if (Prefix.Count == 0 && Suffix.Count == 0)
        {
            return ids;
        }

        var result = new List<int>(Prefix.Count + ids.Count + Suffix.Count);
        result.AddRange(Prefix);
        result.AddRange(ids);
        result.AddRange(Suffix);
        return result;
    }
}
