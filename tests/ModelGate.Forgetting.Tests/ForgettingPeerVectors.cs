using System.Text.Json;
using ModelGate.Testing;

namespace ModelGate.Forgetting.Tests;

/// <summary>The metrics part of tests/vectors/peer-vectors/expected.json: what transformers computed on eval.txt.</summary>
internal static class ForgettingPeerVectors
{
    private static readonly Lazy<JsonDocument> Expected = new(() =>
        JsonDocument.Parse(File.ReadAllBytes(Path.Combine(RepositoryPaths.PeerVectors(), "expected.json"))));

    public static string EvalText => File.ReadAllText(Path.Combine(RepositoryPaths.PeerVectors(), "eval.txt"));

    public static string ModelFolder(string arch) => Path.Combine(PeerModels.Folder, arch);

    public static JsonElement BaseMetrics(string arch) =>
        Expected.Value.RootElement.GetProperty("base_models").GetProperty(arch).GetProperty("metrics");

    public static bool IsMasked(string arch) => BaseMetrics(arch).TryGetProperty("pseudoLogLikelihood", out _);

    public static int[] Ids(JsonElement element) => element.GetProperty("ids").EnumerateArray().Select(e => e.GetInt32()).ToArray();
}
