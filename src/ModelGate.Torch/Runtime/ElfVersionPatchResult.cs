namespace ModelGate.Torch.Runtime;

/// <summary>What <see cref="ElfVersionNeedPatcher.Patch"/> produced.</summary>
/// <param name="Image">The edited copy of the library; the input is never modified.</param>
/// <param name="ClearedSymbols">Dynamic symbols whose version requirement was cleared to global.</param>
/// <param name="RelocationsOnClearedSymbols">
/// Relocations that reference a cleared symbol. Zero means the symbols were link-time references only
/// (GCC 13 emits <c>std::ios_base_library_init()</c> that way), so the edit cannot leave a call unresolved.
/// </param>
public sealed record ElfVersionPatchResult(byte[] Image, IReadOnlyList<string> ClearedSymbols, int RelocationsOnClearedSymbols);
