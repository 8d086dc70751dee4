namespace ModelGate.Core.Spectral;

/// <summary>What the tuned weights came from.</summary>
public enum ComparisonKind
{
    /// <summary>Base plus one or more LoRA adapters, merged in order.</summary>
    Adapter,

    /// <summary>A fully fine-tuned model in its own folder.</summary>
    FullFineTune,
}
