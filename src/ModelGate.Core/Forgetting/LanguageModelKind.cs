namespace ModelGate.Core.Forgetting;

/// <summary>How a model's logits are read: next-token prediction or masked-token prediction.</summary>
public enum LanguageModelKind
{
    Causal,
    Masked,
}
