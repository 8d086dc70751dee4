using System.Text.Json;
using System.Text.Json.Nodes;

namespace ModelGate.Testing;

/// <summary>Real outputs of transformers 5.17 and PEFT 0.21 (tests/vectors/peer-vectors), the truth from outside.</summary>
public static class PeerVectors
{
    private static readonly Lazy<JsonDocument> Expected = new(() =>
        JsonDocument.Parse(File.ReadAllBytes(Path.Combine(RepositoryPaths.PeerVectors(), "expected.json"))));

    public static IEnumerable<object[]> AdapterNames() =>
        Expected.Value.RootElement.GetProperty("adapters").EnumerateObject().Select(p => new object[] { p.Name });

    public static string AdapterFolder(string name) => Path.Combine(RepositoryPaths.PeerVectors(), "adapters", name);

    public static string MergedFile(string name) => Path.Combine(RepositoryPaths.PeerVectors(), "adapters", name + ".merged.safetensors");

    public static JsonElement Adapter(string name) => Expected.Value.RootElement.GetProperty("adapters").GetProperty(name);

    public static IEnumerable<object[]> ModelNames() =>
        Expected.Value.RootElement.GetProperty("base_models").EnumerateObject().Select(p => new object[] { p.Name });

    public static string ModelFolder(string name) => Path.Combine(RepositoryPaths.PeerVectors(), "models", name);

    /// <summary>transformers' logits (tensor <c>logits</c>, float32 [2, 16, 1000]) for <see cref="InputIds"/>.</summary>
    public static string LogitsFile(string model) => Path.Combine(RepositoryPaths.PeerVectors(), "models", model + ".logits.safetensors");

    public static string MergedLogitsFile(string adapter) => Path.Combine(RepositoryPaths.PeerVectors(), "adapters", adapter + ".merged_logits.safetensors");

    /// <summary>The token ids the logits files were computed for: [2][16], no special tokens.</summary>
    public static long[][] InputIds() =>
        Expected.Value.RootElement.GetProperty("input_ids").EnumerateArray().Select(r => r.EnumerateArray().Select(v => v.GetInt64()).ToArray()).ToArray();

    public static JsonElement Model(string name) => Expected.Value.RootElement.GetProperty("base_models").GetProperty(name);

    public static string BaseFolderOf(string adapter) =>
        Path.Combine(RepositoryPaths.PeerVectors(), "models", Adapter(adapter).GetProperty("base").GetString()!);

    /// <summary>A copy of a peer model whose config.json <paramref name="edit"/> changed; the folder goes when it is disposed.</summary>
    public static TempDirectory CopyOfModel(string name, Action<JsonObject> edit)
    {
        ArgumentNullException.ThrowIfNull(edit);
        var folder = new TempDirectory();
        foreach (var file in Directory.GetFiles(ModelFolder(name)))
        {
            File.Copy(file, Path.Combine(folder.Path, Path.GetFileName(file)));
        }

        var path = Path.Combine(folder.Path, "config.json");
        var config = JsonNode.Parse(File.ReadAllText(path))!.AsObject();
        edit(config);
        File.WriteAllText(path, config.ToJsonString());
        return folder;
    }
}
