namespace ModelGate.Core.Provenance;

/// <summary>What an adapter says about where it came from, held against the base it is gated with.</summary>
/// <param name="Adapter">The adapter as given (its reference, secrets redacted).</param>
/// <param name="DeclaredBase"><c>base_model_name_or_path</c> of its <c>adapter_config.json</c>; null when absent.</param>
/// <param name="DeclaredRevision"><c>revision</c> of its <c>adapter_config.json</c>; null when absent.</param>
/// <param name="Base">The base as given.</param>
/// <param name="BaseMatch">Whether the declared base is the base given.</param>
/// <param name="BaseFinding">One sentence saying what was compared with what, and why it matches, differs or cannot be known.</param>
/// <param name="ZeroUpdate">Whether the adapter's update is numerically zero (every lora_B zero, nothing else changed).</param>
public sealed record AdapterProvenance(
    string Adapter,
    string? DeclaredBase,
    string? DeclaredRevision,
    string Base,
    BaseMatch BaseMatch,
    string BaseFinding,
    bool ZeroUpdate);
