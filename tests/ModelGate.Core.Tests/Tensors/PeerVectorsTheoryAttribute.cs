using ModelGate.Testing;

namespace ModelGate.Core.Tests.Tensors;

/// <summary>
/// A theory over the real Hugging Face models in ../shared/peer-vectors/models, skipped with a message saying where
/// they were looked for when that folder is absent (xunit 2 has no runtime skip, so the attribute decides).
/// </summary>
public sealed class PeerVectorsTheoryAttribute : TheoryAttribute
{
    public PeerVectorsTheoryAttribute()
    {
        if (!Directory.Exists(PeerModels.Folder))
        {
            Skip = $"Peer models not found at {PeerModels.Folder ?? "../shared/peer-vectors/models (no ModelGate.sln above the test binaries)"}; these tests read files written by Hugging Face safetensors.";
        }
    }
}

internal static class PeerModels
{
    /// <summary>Null when the tests run outside a checkout; Directory.Exists(null) is false, so callers skip.</summary>
    public static string? Folder => RepositoryPaths.TryPeerVectors() is { } peers ? Path.Combine(peers, "models") : null;

    /// <summary>Model folders holding a model.safetensors; a placeholder keeps xunit from failing a skipped theory for lack of data.</summary>
    public static TheoryData<string> Names()
    {
        var names = Directory.Exists(Folder)
            ? Directory.GetDirectories(Folder!).Where(d => File.Exists(Path.Combine(d, "model.safetensors"))).Select(Path.GetFileName).OfType<string>().Order(StringComparer.Ordinal).ToArray()
            : [];
        return names.Length > 0 ? [.. names] : ["(none)"];
    }
}
