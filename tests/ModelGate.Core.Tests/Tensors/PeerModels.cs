using ModelGate.Testing;

namespace ModelGate.Core.Tests.Tensors;

/// <summary>The real Hugging Face models in tests/vectors/peer-vectors/models.</summary>
internal static class PeerModels
{
    public static string Folder => Path.Combine(RepositoryPaths.PeerVectors(), "models");

    /// <summary>Model folders holding a model.safetensors.</summary>
    public static TheoryData<string> Names() =>
        [.. Directory.GetDirectories(Folder).Where(d => File.Exists(Path.Combine(d, "model.safetensors"))).Select(Path.GetFileName).OfType<string>().Order(StringComparer.Ordinal)];
}
