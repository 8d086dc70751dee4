using ModelGate.Testing;

namespace ModelGate.Cli.Tests;

/// <summary>A fact over ../shared/peer-vectors (real Hugging Face models), skipped with a message where that folder is absent.</summary>
public sealed class PeerVectorsFactAttribute : FactAttribute
{
    public PeerVectorsFactAttribute()
    {
        if (RepositoryPaths.TryPeerVectors() is not { } peers || !Directory.Exists(peers))
        {
            Skip = "../shared/peer-vectors not found; these tests run real tiny Hugging Face models from it.";
        }
    }
}
