using System.Text.Json.Serialization;

namespace ModelGate.Registries.Hub;

/// <summary>
/// The parts of the Hub's JSON that ModelGate reads, as huggingface_hub's hf_api.py reads them:
/// GET /api/models/{id}/revision/{rev}?blobs=true → { "sha", "siblings": [{ "rfilename", "size", "blobId",
/// "lfs": { "sha256", "size", "pointerSize" } }] }; GET /api/models/{id}/refs → { "branches": [{ "name", "ref",
/// "targetCommit" }], "tags": [...] }; GET /api/datasets/{id}/tree/{rev}/{path}[?recursive=true] → [{ "type": "file" or
/// "directory", "path", "size", "oid" (git blob id), "lfs": { "oid" (sha256), "size" } }], paged by a Link header.
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

    internal sealed class TreeEntry
    {
        [JsonPropertyName("type")]
        public string? Type { get; set; }

        [JsonPropertyName("path")]
        public string? Path { get; set; }

        [JsonPropertyName("size")]
        public long? Size { get; set; }

        [JsonPropertyName("oid")]
        public string? Oid { get; set; }

        [JsonPropertyName("lfs")]
        public TreeLfs? Lfs { get; set; }
    }

    internal sealed class TreeLfs
    {
        [JsonPropertyName("oid")]
        public string? Oid { get; set; }

        [JsonPropertyName("size")]
        public long? Size { get; set; }
    }
}
