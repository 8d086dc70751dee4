namespace ModelGate.Torch.Runtime;

/// <summary>
/// One symbol version a shared library needs from another (a Vernaux entry of <c>.gnu.version_r</c>),
/// e.g. <c>GLIBCXX_3.4.32</c> from <c>libstdc++.so.6</c>.
/// </summary>
/// <param name="Library">The soname the version is needed from.</param>
/// <param name="Version">The version name.</param>
/// <param name="Index">The <c>vna_other</c> index that <c>.gnu.version</c> entries use to point at this need.</param>
/// <param name="Hash">The stored <c>vna_hash</c>; the dynamic loader compares it before the name.</param>
public sealed record ElfVersionNeed(string Library, string Version, ushort Index, uint Hash);
