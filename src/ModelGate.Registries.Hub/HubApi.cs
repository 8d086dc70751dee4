using System.Text.Json.Serialization;

namespace ModelGate.Registries.Hub;

/// <summary>
/// The parts of the Hub's JSON that ModelGate reads, as huggingface_hub's hf_api.py reads them:
/// GET /api/models/{id}/revision/{rev}?blobs=true → { "sha", "siblings": [{ "rfilename", "size", "blobId",
/// "lfs": { "sha256", "size", "pointerSize" } }] }; GET /api/models/{id}/refs → { "branches": [{ "name", "ref",
/// "targetCommit" }], "tags": [...] }.
/// </summary>
internal static class HubApi
{
    internal sealed class ModelInfo
    {
        [JsonPropertyName("sha")]
        public string? Sha { get; set; }

        [JsonPropertyName("siblings")]
        public List<Sibling>? Siblings { get; set; }
    }

    internal sealed class Sibling
    {
        [JsonPropertyName("rfilename")]
        public string? FileName { get; set; }

        [JsonPropertyName("size")]
        public long? Size { get; set; }

        [JsonPropertyName("blobId")]
        public string? BlobId { get; set; }

        [JsonPropertyName("lfs")]
        public Lfs? Lfs { get; set; }
    }

    internal sealed class Lfs
    {
        [JsonPropertyName("sha256")]
        public string? Sha256 { get; set; }

        [JsonPropertyName("size")]
        public long? Size { get; set; }
    }

    internal sealed class Refs
    {
        [JsonPropertyName("branches")]
        public List<Ref>? Branches { get; set; }

        [JsonPropertyName("tags")]
        public List<Ref>? Tags { get; set; }
    }

    internal sealed class Ref
    {
        [JsonPropertyName("name")]
        public string? Name { get; set; }

        [JsonPropertyName("targetCommit")]
        public string? TargetCommit { get; set; }
    }
}
