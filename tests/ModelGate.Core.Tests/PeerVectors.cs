using System.Text.Json;
using ModelGate.Testing;

namespace ModelGate.Core.Tests;

/// <summary>Real outputs of transformers 5.17 and PEFT 0.21 (../shared/peer-vectors), the truth from outside.</summary>
internal static class PeerVectors
{
    private static readonly Lazy<JsonDocument> Expected = new(() =>
        JsonDocument.Parse(File.ReadAllBytes(Path.Combine(RepositoryPaths.PeerVectors(), "expected.json"))));

    public static IEnumerable<object[]> AdapterNames() =>
        Expected.Value.RootElement.GetProperty("adapters").EnumerateObject().Select(p => new object[] { p.Name });

    public static string AdapterFolder(string name) => Path.Combine(RepositoryPaths.PeerVectors(), "adapters", name);

    public static string MergedFile(string name) => Path.Combine(RepositoryPaths.PeerVectors(), "adapters", name + ".merged.safetensors");

    public static JsonElement Adapter(string name) => Expected.Value.RootElement.GetProperty("adapters").GetProperty(name);

    public static string BaseFolderOf(string adapter) =>
        Path.Combine(RepositoryPaths.PeerVectors(), "models", Adapter(adapter).GetProperty("base").GetString()!);
}
