namespace ModelGate.Testing;

/// <summary>The real Hugging Face models in tests/vectors/peer-vectors/models.</summary>
public static class PeerModels
{
    public static string Folder => Path.Combine(RepositoryPaths.PeerVectors(), "models");

    /// <summary>Model folders holding a model.safetensors, in ordinal order (a test's theory data).</summary>
    public static IReadOnlyList<string> Names() =>
        [.. Directory.GetDirectories(Folder).Where(d => File.Exists(Path.Combine(d, "model.safetensors"))).Select(Path.GetFileName).OfType<string>().Order(StringComparer.Ordinal)];
}
