using System.Collections.Concurrent;
using System.Diagnostics.CodeAnalysis;
using System.Net;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using System.Text.Json.Serialization;

namespace ModelGate.Testing.Registries;

/// <summary>
/// A stand-in for a Hugging Face hub on 127.0.0.1, serving the file API's shape as huggingface_hub reads it:
/// GET /api/models/{id}/revision/{rev}?blobs=true (sha + siblings with size, blobId and lfs.sha256),
/// GET /api/models/{id}/refs, and GET /{id}/resolve/{rev}/{file} with ETag, X-Repo-Commit, X-Linked-Etag,
/// X-Linked-Size and byte ranges; datasets likewise under /api/datasets/{id}/revision/{rev},
/// /api/datasets/{id}/tree/{rev}/{path}[?recursive=true] (paged by a Link header) and /datasets/{id}/resolve/…. Fault modes: a required token (401), 503s with Retry-After, responses cut
/// mid-body, corrupted bytes. Every request is recorded so tests can assert what a run cost.
/// </summary>
public sealed class HubStandIn : IAsyncDisposable
{
    private readonly HttpListener listener = new();
    private readonly Dictionary<string, Repository> repositories = new(StringComparer.Ordinal);
    private readonly Dictionary<string, Repository> datasets = new(StringComparer.Ordinal);
    private readonly ConcurrentQueue<string> requests = new();
    private readonly Task loop;
    private int unavailable;
    private int cuts;
    private int corruptions;
    private int stalls;
    private readonly CancellationTokenSource stopping = new();

    private HubStandIn(int port)
    {
        Port = port;
        listener.Prefixes.Add($"http://127.0.0.1:{port}/");
        listener.Start();
        loop = Task.Run(ServeAsync);
    }

    public int Port { get; }

    public string Endpoint => $"http://127.0.0.1:{Port}";

    /// <summary>When set, requests without "Authorization: Bearer {token}" get 401.</summary>
    public string? RequiredToken { get; set; }

    /// <summary>Extra names listed as siblings (to test refused names); served as 404.</summary>
    public List<string> ExtraSiblings { get; } = [];

    /// <summary>Every request so far: "GET /path" plus " range=N-" for range requests.</summary>
    public IReadOnlyList<string> Requests => [.. requests];

    /// <summary>Entries per page of a tree listing; the rest are on the page its Link header names.</summary>
    public int TreePageSize { get; set; } = 1000;

    public int ApiRequests => requests.Count(r => r.StartsWith("GET /api/", StringComparison.Ordinal));

    public int FileRequests => requests.Count(r => r.Contains("/resolve/", StringComparison.Ordinal));

    public static HubStandIn Start() => new(FreePort.Next());

    /// <summary>The next <paramref name="count"/> requests answer 503 with Retry-After: 0.</summary>
    public void FailNext(int count) => Interlocked.Exchange(ref unavailable, count);

    /// <summary>The next <paramref name="count"/> file responses send half their bytes, then drop the connection.</summary>
    public void CutNext(int count) => Interlocked.Exchange(ref cuts, count);

    /// <summary>The next <paramref name="count"/> file responses send half their bytes, then nothing (until the server stops).</summary>
    public void StallNext(int count) => Interlocked.Exchange(ref stalls, count);

    /// <summary>The next <paramref name="count"/> file responses flip a byte in the middle.</summary>
    public void CorruptNext(int count) => Interlocked.Exchange(ref corruptions, count);

    /// <summary>
    /// Serves every file of <paramref name="folder"/> as repository <paramref name="repoId"/> at one commit, reachable
    /// by that hash and by <paramref name="branch"/>; .safetensors files are LFS files (sha256), the rest git blobs.
    /// </summary>
    public string AddRepository(string repoId, string folder, string branch = "main") => Add(repositories, repoId, folder, branch);

    /// <summary>
    /// Serves every file of <paramref name="folder"/> (sub-folders kept) as dataset <paramref name="repoId"/> at one
    /// commit, reachable by that hash and by <paramref name="branch"/>; .parquet files are LFS files, the rest git blobs.
    /// </summary>
    public string AddDataset(string repoId, string folder, string branch = "main") => Add(datasets, repoId, folder, branch);

    private string Add(Dictionary<string, Repository> kind, string repoId, string folder, string branch)
    {
        var files = Directory.EnumerateFiles(folder, "*", SearchOption.AllDirectories)
            .Order(StringComparer.Ordinal)
            .ToDictionary(f => Path.GetRelativePath(folder, f).Replace(Path.DirectorySeparatorChar, '/'), File.ReadAllBytes, StringComparer.Ordinal);
        var commit = Sha1(Encoding.UTF8.GetBytes(repoId + string.Concat(files.Select(f => f.Key + Convert.ToHexString(SHA256.HashData(f.Value))))));
        lock (repositories)
        {
            kind[repoId] = new Repository(commit, new Dictionary<string, string> { [branch] = commit }, files);
        }

        return commit;
    }

    public async ValueTask DisposeAsync()
    {
        await stopping.CancelAsync();
        listener.Stop();
        listener.Close();
        try
        {
            await loop;
        }
        catch (ObjectDisposedException)
        {
        }
    }

    private async Task ServeAsync()
    {
        while (listener.IsListening)
        {
            HttpListenerContext context;
            try
            {
                context = await listener.GetContextAsync();
            }
            catch (Exception e) when (e is HttpListenerException or ObjectDisposedException or InvalidOperationException)
            {
                return;
            }

            _ = Task.Run(() => HandleAsync(context));
        }
    }

    private async Task HandleAsync(HttpListenerContext context)
    {
        var request = context.Request;
        var response = context.Response;
        var path = Uri.UnescapeDataString(request.Url!.AbsolutePath);
        var range = request.Headers["Range"];
        requests.Enqueue($"{request.HttpMethod} {request.Url.AbsolutePath}{(range is null ? "" : " range=" + range["bytes=".Length..])}");
        try
        {
            if (RequiredToken is { } token && request.Headers["Authorization"] != "Bearer " + token)
            {
                await TextAsync(response, 401, """{"error":"Invalid credentials in Authorization header"}""");
                return;
            }

            if (Interlocked.Decrement(ref unavailable) >= 0)
            {
                response.Headers["Retry-After"] = "0";
                await TextAsync(response, 503, """{"error":"Service Unavailable"}""");
                return;
            }

            if (path.StartsWith("/api/models/", StringComparison.Ordinal))
            {
                await ApiAsync(response, request.Url.AbsolutePath["/api/models/".Length..]);
                return;
            }

            if (path.StartsWith("/api/datasets/", StringComparison.Ordinal))
            {
                await DatasetApiAsync(request, response, request.Url.AbsolutePath["/api/datasets/".Length..]);
                return;
            }

            var resolve = path.IndexOf("/resolve/", StringComparison.Ordinal);
            if (resolve > 0)
            {
                var rest = request.Url.AbsolutePath[(request.Url.AbsolutePath.IndexOf("/resolve/", StringComparison.Ordinal) + "/resolve/".Length)..];
                var isDataset = path.StartsWith("/datasets/", StringComparison.Ordinal);
                await FileAsync(response, isDataset ? FindDataset(path["/datasets/".Length..resolve]) : Find(path[1..resolve]), rest, range);
                return;
            }

            await TextAsync(response, 404, """{"error":"Not Found"}""");
        }
        catch (Exception e) when (e is HttpListenerException or IOException or ObjectDisposedException)
        {
            // The client went away (or the test cut the response on purpose).
        }
    }

    private async Task ApiAsync(HttpListenerResponse response, string rest)
    {
        var revisionAt = rest.IndexOf("/revision/", StringComparison.Ordinal);
        var refsAt = rest.IndexOf("/refs", StringComparison.Ordinal);
        var repoId = Uri.UnescapeDataString(revisionAt > 0 ? rest[..revisionAt] : refsAt > 0 ? rest[..refsAt] : rest);
        var repo = Find(repoId);
        if (repo is null)
        {
            response.Headers["X-Error-Code"] = "RepoNotFound";
            await TextAsync(response, 404, """{"error":"Repository not found"}""");
            return;
        }

        if (refsAt > 0 && revisionAt < 0)
        {
            await TextAsync(response, 200, JsonSerializer.Serialize(new
            {
                branches = repo.Refs.Select(r => new { name = r.Key, @ref = "refs/heads/" + r.Key, targetCommit = r.Value }),
                tags = Array.Empty<object>(),
                converts = Array.Empty<object>(),
            }));
            return;
        }

        var revision = Uri.UnescapeDataString(rest[(revisionAt + "/revision/".Length)..]);
        if (Commit(repo, revision) is not { } commit)
        {
            response.Headers["X-Error-Code"] = "RevisionNotFound";
            await TextAsync(response, 404, $$"""{"error":"Invalid rev id: {{revision}}"}""");
            return;
        }

        var siblings = repo.Files.Select(f => (object)new
        {
            rfilename = f.Key,
            size = f.Value.Length,
            blobId = GitBlobId(f.Value),
            lfs = IsLfs(f.Key) ? new { sha256 = Sha256(f.Value), size = f.Value.Length, pointerSize = 134 } : null,
        }).Concat(ExtraSiblings.Select(name => (object)new { rfilename = name, size = 1, blobId = new string('0', 40) }));
        await TextAsync(response, 200, JsonSerializer.Serialize(new { id = repoId, sha = commit, siblings }));
    }

    /// <summary>/revision/{rev} (the commit, the file names) and /tree/{rev}/{path}, as the Hub lists a dataset.</summary>
    private async Task DatasetApiAsync(HttpListenerRequest request, HttpListenerResponse response, string rest)
    {
        var revisionAt = rest.IndexOf("/revision/", StringComparison.Ordinal);
        var treeAt = rest.IndexOf("/tree/", StringComparison.Ordinal);
        var repoAt = revisionAt > 0 ? revisionAt : treeAt;
        var repo = repoAt > 0 ? FindDataset(Uri.UnescapeDataString(rest[..repoAt])) : null;
        if (repo is null)
        {
            response.Headers["X-Error-Code"] = "RepoNotFound";
            await TextAsync(response, 404, """{"error":"Repository not found"}""");
            return;
        }

        var after = rest[(repoAt + (revisionAt > 0 ? "/revision/" : "/tree/").Length)..];
        var slash = after.IndexOf('/', StringComparison.Ordinal);
        var revision = Uri.UnescapeDataString(slash < 0 ? after : after[..slash]);
        if (Commit(repo, revision) is not { } commit)
        {
            response.Headers["X-Error-Code"] = "RevisionNotFound";
            await TextAsync(response, 404, $$"""{"error":"Invalid rev id: {{revision}}"}""");
            return;
        }

        if (revisionAt > 0)
        {
            await TextAsync(response, 200, JsonSerializer.Serialize(new { id = rest[..repoAt], sha = commit, siblings = repo.Files.Keys.Select(f => new { rfilename = f }) }));
            return;
        }

        var folder = slash < 0 ? "" : Uri.UnescapeDataString(after[(slash + 1)..]);
        var prefix = folder.Length == 0 ? "" : folder + "/";
        var recursive = request.QueryString["recursive"] == "true";
        var below = repo.Files.Keys.Where(f => f.StartsWith(prefix, StringComparison.Ordinal)).ToList();
        if (below.Count == 0)
        {
            response.Headers["X-Error-Code"] = "EntryNotFound";
            await TextAsync(response, 404, $$"""{"error":"{{folder}} does not exist on "{{revision}}""}""");
            return;
        }

        var entries = recursive
            ? below.Select(f => TreeFile(f, repo.Files[f]))
            : below.Select(f => f[prefix.Length..].Split('/')[0]).Distinct().Select(name =>
                repo.Files.TryGetValue(prefix + name, out var bytes) ? TreeFile(prefix + name, bytes) : new TreeItem("directory", new string('0', 40), 0, prefix + name, null));
        var all = entries.ToList();
        var skip = int.TryParse(request.QueryString["cursor"], out var cursor) ? cursor : 0;
        if (skip + TreePageSize < all.Count)
        {
            var next = new UriBuilder(request.Url!) { Query = (recursive ? "recursive=true&" : "") + "cursor=" + (skip + TreePageSize) };
            response.Headers["Link"] = $"<{next.Uri.AbsoluteUri}>; rel=\"next\"";
        }

        await TextAsync(response, 200, JsonSerializer.Serialize(all.Skip(skip).Take(TreePageSize)));
    }

    private static TreeItem TreeFile(string path, byte[] bytes) =>
        new("file", GitBlobId(bytes), bytes.Length, path, IsLfs(path) ? new { oid = Sha256(bytes), size = bytes.Length, pointerSize = 134 } : null);

    private async Task FileAsync(HttpListenerResponse response, Repository? repo, string rest, string? range)
    {
        var slash = rest.IndexOf('/', StringComparison.Ordinal);
        var commit = repo is null || slash < 0 ? null : Commit(repo, Uri.UnescapeDataString(rest[..slash]));
        var name = slash < 0 ? "" : Uri.UnescapeDataString(rest[(slash + 1)..]);
        if (repo is null || commit is null || !repo.Files.TryGetValue(name, out var bytes))
        {
            response.Headers["X-Error-Code"] = "EntryNotFound";
            await TextAsync(response, 404, """{"error":"Entry not found"}""");
            return;
        }

        if (Interlocked.Decrement(ref corruptions) >= 0)
        {
            bytes = (byte[])bytes.Clone();
            bytes[bytes.Length / 2] ^= 0xFF;
        }

        response.Headers["X-Repo-Commit"] = commit;
        response.Headers["Accept-Ranges"] = "bytes";
        if (IsLfs(name))
        {
            response.Headers["X-Linked-Etag"] = $"\"{Sha256(bytes)}\"";
            response.Headers["X-Linked-Size"] = bytes.Length.ToString(System.Globalization.CultureInfo.InvariantCulture);
        }

        response.Headers["ETag"] = $"\"{(IsLfs(name) ? Sha256(bytes) : GitBlobId(bytes))}\"";
        long start = 0;
        if (range is not null && range.StartsWith("bytes=", StringComparison.Ordinal) && long.TryParse(range["bytes=".Length..].TrimEnd('-'), out var from))
        {
            if (from >= bytes.Length)
            {
                response.Headers["Content-Range"] = $"bytes */{bytes.Length}";
                await TextAsync(response, 416, "");
                return;
            }

            start = from;
            response.StatusCode = 206;
            response.Headers["Content-Range"] = $"bytes {from}-{bytes.Length - 1}/{bytes.Length}";
        }

        var body = bytes.AsMemory((int)start);
        response.ContentLength64 = body.Length;
        if (Interlocked.Decrement(ref cuts) >= 0)
        {
            await response.OutputStream.WriteAsync(body[..(body.Length / 2)]);
            await response.OutputStream.FlushAsync();
            response.Abort();
            return;
        }

        if (Interlocked.Decrement(ref stalls) >= 0)
        {
            await response.OutputStream.WriteAsync(body[..(body.Length / 2)]);
            await response.OutputStream.FlushAsync();
            try
            {
                await Task.Delay(Timeout.Infinite, stopping.Token);
            }
            catch (OperationCanceledException)
            {
            }

            response.Abort();
            return;
        }

        await response.OutputStream.WriteAsync(body);
        response.Close();
    }

    private Repository? Find(string repoId)
    {
        lock (repositories)
        {
            return repositories.GetValueOrDefault(repoId);
        }
    }

    private Repository? FindDataset(string repoId)
    {
        lock (repositories)
        {
            return datasets.GetValueOrDefault(repoId);
        }
    }

    private static string? Commit(Repository repo, string revision) =>
        revision == repo.Commit ? repo.Commit : repo.Refs.GetValueOrDefault(revision);

    private static bool IsLfs(string name) => name.EndsWith(".safetensors", StringComparison.Ordinal) || name.EndsWith(".parquet", StringComparison.Ordinal);

    private static string Sha256(byte[] bytes) => Convert.ToHexStringLower(SHA256.HashData(bytes));

    private static string GitBlobId(byte[] bytes) => Sha1([.. Encoding.ASCII.GetBytes($"blob {bytes.Length}\0"), .. bytes]);

    [SuppressMessage("Security", "CA5350:Do Not Use Weak Cryptographic Algorithms",
        Justification = "Git object ids (the commit and blob ids the Hub serves) are SHA-1 by definition; nothing here is secured by them.")]
    private static string Sha1(byte[] bytes) => Convert.ToHexStringLower(SHA1.HashData(bytes));

    private static async Task TextAsync(HttpListenerResponse response, int status, string text)
    {
        response.StatusCode = status;
        response.ContentType = "application/json";
        var bytes = Encoding.UTF8.GetBytes(text);
        response.ContentLength64 = bytes.Length;
        await response.OutputStream.WriteAsync(bytes);
        response.Close();
    }

    private sealed record TreeItem(
        [property: JsonPropertyName("type")] string Type,
        [property: JsonPropertyName("oid")] string Oid,
        [property: JsonPropertyName("size")] long Size,
        [property: JsonPropertyName("path")] string Path,
        [property: JsonPropertyName("lfs")] object? Lfs);

    private sealed record Repository(string Commit, Dictionary<string, string> Refs, Dictionary<string, byte[]> Files);
}
