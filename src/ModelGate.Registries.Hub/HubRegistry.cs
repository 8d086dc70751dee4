using System.Net;
using System.Net.Http.Headers;
using System.Text.Json;
using System.Text.RegularExpressions;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using ModelGate.Core;
using ModelGate.Core.Errors;
using ModelGate.Core.Registries;

namespace ModelGate.Registries.Hub;

/// <summary>
/// Hugging Face-style hubs over their HTTP file API (huggingface.co, a mirror or a private hub via HF_ENDPOINT;
/// token from HF_TOKEN). A reference is pinned to the commit the revision API returns, files are fetched by that
/// commit from /{id}/resolve/{commit}/{file} (with Range for resumes), LFS files are checked by their SHA-256 and
/// the others by their git blob id. Read-only: releases are promoted elsewhere.
/// </summary>
public sealed partial class HubRegistry : IRegistry, IDisposable
{
    private readonly RegistryEnvironment environment;
    private readonly RegistrySettings settings;
    private readonly TimeProvider time;
    private readonly ILogger<HubRegistry> logger;
    private readonly HttpClient http;

    public HubRegistry(RegistryEnvironment environment, IOptions<RegistrySettings> options, TimeProvider time, ILogger<HubRegistry> logger)
    {
        this.environment = environment;
        settings = options.Value;
        this.time = time;
        this.logger = logger;
        // .NET drops the Authorization header when it follows a redirect, so the token never reaches the LFS CDN.
        http = new HttpClient(new SocketsHttpHandler { AllowAutoRedirect = true, ConnectTimeout = settings.Timeout })
        {
            Timeout = Timeout.InfiniteTimeSpan,
        };
        http.DefaultRequestHeaders.UserAgent.Add(new ProductInfoHeaderValue("ModelGate", ToolVersion.Current.Split('+')[0]));
    }

    public async Task<IReadOnlyList<RegistryVersion>> ListVersionsAsync(RegistryReference location, CancellationToken cancellationToken)
    {
        var hub = HubLocation.Parse(location, environment);
        var refs = await GetJsonAsync<HubApi.Refs>(hub, hub.RefsUrl, cancellationToken);
        return (refs.Branches ?? []).Concat(refs.Tags ?? [])
            .Where(r => r.Name is not null)
            .Select(r => new RegistryVersion(r.Name!, hub.At(r.Name!), r.TargetCommit, null))
            .ToList();
    }

    public async Task<ResolvedVersion> ResolveAsync(RegistryReference reference, CancellationToken cancellationToken)
    {
        var hub = HubLocation.Parse(reference, environment);
        var info = await GetJsonAsync<HubApi.ModelInfo>(hub, hub.ApiRevisionUrl(hub.Revision), cancellationToken);
        if (info.Sha is not { } commit || !CommitHash().IsMatch(commit))
        {
            throw new UserInputException($"{hub.Display}: the Hub's answer has no commit hash ('sha'); is HF_ENDPOINT a Hub?");
        }

        var files = hub.IsDataset ? await DatasetFilesAsync(hub, commit, cancellationToken) : ModelFiles(hub, commit, info);
        if (files.Count == 0)
        {
            throw new UserInputException($"{hub.Display}: the repository has no files at {commit}");
        }

        files.Sort((a, b) => string.CompareOrdinal(a.Path, b.Path));
        logger.LogDebug("{Reference}: revision {Revision} is commit {Commit}", hub.Display, hub.Revision, commit);
        return new ResolvedVersion(reference, hub.At(commit), hub.CacheKey(commit), files);
    }

    private static List<RemoteFile> ModelFiles(HubLocation hub, string commit, HubApi.ModelInfo info) =>
        [.. (info.Siblings ?? []).Select(s => RemoteFileOf(hub, commit, s.FileName, s.Lfs?.Sha256, s.Lfs?.Size ?? s.Size, s.BlobId))];

    /// <summary>
    /// The file a dataset reference names, or every file under the folder it names (the whole repository without a
    /// path), listed by the tree API: the entry is looked up in its parent folder to tell a file from a folder.
    /// </summary>
    private async Task<List<RemoteFile>> DatasetFilesAsync(HubLocation hub, string commit, CancellationToken cancellationToken)
    {
        var folder = hub.PathInRepo;
        if (folder.Length > 0)
        {
            var parent = folder.Contains('/', StringComparison.Ordinal) ? folder[..folder.LastIndexOf('/')] : "";
            var entry = (await GetTreeAsync(hub, hub.TreeUrl(commit, parent, recursive: false), cancellationToken)).FirstOrDefault(e => e.Path == folder)
                ?? throw new UserInputException($"{hub.Display}: no file or folder '{folder}' in the dataset at {commit}");
            if (entry.Type == "file")
            {
                return [TreeFile(hub, commit, entry)];
            }
        }

        return [.. (await GetTreeAsync(hub, hub.TreeUrl(commit, folder, recursive: true), cancellationToken))
            .Where(e => e.Type == "file")
            .Select(e => TreeFile(hub, commit, e))];
    }

    private static RemoteFile TreeFile(HubLocation hub, string commit, HubApi.TreeEntry entry) =>
        RemoteFileOf(hub, commit, entry.Path, entry.Lfs?.Oid, entry.Lfs?.Size ?? entry.Size, entry.Oid);

    private static RemoteFile RemoteFileOf(HubLocation hub, string commit, string? path, string? lfsSha256, long? size, string? blobId)
    {
        var name = RemoteFileNames.Check(hub.Display, path ?? "");
        var sha256 = lfsSha256?.ToLowerInvariant();
        // An LFS file is named by its content; a small git file by its blob id, which is content too.
        var sourceKey = sha256 is not null ? "sha256:" + sha256
            : blobId is { } blob ? "git-blob:" + blob.ToLowerInvariant()
            : $"{hub.CacheKey(commit)}/{name}";
        return new RemoteFile(name, size ?? -1, sha256, null, sha256 is null ? blobId?.ToLowerInvariant() : null, null, sourceKey);
    }

    /// <summary>Every page of a tree listing: the Hub pages long ones, naming the next page in a Link header.</summary>
    private async Task<List<HubApi.TreeEntry>> GetTreeAsync(HubLocation hub, string url, CancellationToken cancellationToken)
    {
        var entries = new List<HubApi.TreeEntry>();
        for (string? page = url; page is not null;)
        {
            var (items, next) = await GetJsonPageAsync<List<HubApi.TreeEntry>>(hub, page, cancellationToken);
            entries.AddRange(items);
            page = next;
        }

        return entries;
    }

    public string? ImmutableCacheKey(RegistryReference reference)
    {
        var hub = HubLocation.Parse(reference, environment);
        return hub.IsCommit ? hub.CacheKey(hub.Revision) : null;
    }

    public string? EntryOf(RegistryReference reference) =>
        HubLocation.Parse(reference, environment) is { PathInRepo.Length: > 0 } hub ? hub.PathInRepo : null;

    public async Task<RemoteRead> OpenReadAsync(ResolvedVersion version, RemoteFile file, long offset, long? length, CancellationToken cancellationToken)
    {
        // The pinned id parses back into the same location at its commit.
        var hub = HubLocation.Parse(RegistryReference.Parse(version.VersionId), environment);
        var commit = hub.Revision;
        var url = hub.ResolveUrl(commit, file.Path);
        var response = await SendAsync(hub, url, offset, length, cancellationToken);
        if (response.StatusCode == HttpStatusCode.RequestedRangeNotSatisfiable)
        {
            response.Dispose();
            response = await SendAsync(hub, url, 0, null, cancellationToken);
        }

        ThrowUnlessSuccess(hub, response);
        if (response.Headers.TryGetValues("X-Repo-Commit", out var commits) && commits.FirstOrDefault() is { } served && !served.Equals(commit, StringComparison.OrdinalIgnoreCase))
        {
            response.Dispose();
            throw new TransientRegistryException($"{hub.Display}: {file.Path} was served from commit {served}, not {commit}");
        }

        var start = response.StatusCode == HttpStatusCode.PartialContent ? offset : 0;
        return new RemoteRead(await response.Content.ReadAsStreamAsync(cancellationToken), start);
    }

    public RegistryReference Child(RegistryReference folder, string name) => throw ReadOnly(folder);

    public Task WriteFileAsync(RegistryReference folder, string name, string localPath, CancellationToken cancellationToken) => throw ReadOnly(folder);

    public Task<string?> ReadTextAsync(RegistryReference folder, string name, CancellationToken cancellationToken) => throw ReadOnly(folder);

    public Task WriteTextAsync(RegistryReference folder, string name, string text, IReadOnlyDictionary<string, string> labels, CancellationToken cancellationToken) => throw ReadOnly(folder);

    public Task<bool> CreateFileAsync(RegistryReference folder, string name, string localPath, CancellationToken cancellationToken) => throw ReadOnly(folder);

    public Task<TaggedText?> ReadTaggedTextAsync(RegistryReference folder, string name, CancellationToken cancellationToken) => throw ReadOnly(folder);

    public Task<bool> ReplaceTextAsync(RegistryReference folder, string name, string text, string? expectedTag, CancellationToken cancellationToken) => throw ReadOnly(folder);

    public void Dispose() => http.Dispose();

    private static UserInputException ReadOnly(RegistryReference reference) =>
        new($"{reference.Display}: hf:// is read-only here; promote to az:// or a folder");

    private async Task<T> GetJsonAsync<T>(HubLocation hub, string url, CancellationToken cancellationToken) =>
        (await GetJsonPageAsync<T>(hub, url, cancellationToken)).Value;

    private async Task<(T Value, string? Next)> GetJsonPageAsync<T>(HubLocation hub, string url, CancellationToken cancellationToken)
    {
        var pipeline = RegistryRetry.Create(settings, time, logger);
        return await RegistryRetry.RunAsync(pipeline, hub.Display, async token =>
        {
            using var response = await SendAsync(hub, url, 0, null, token);
            ThrowUnlessSuccess(hub, response);
            using var timeout = CancellationTokenSource.CreateLinkedTokenSource(token);
            timeout.CancelAfter(settings.Timeout);
            try
            {
                await using var body = await response.Content.ReadAsStreamAsync(timeout.Token);
                var value = await JsonSerializer.DeserializeAsync<T>(body, cancellationToken: timeout.Token)
                    ?? throw new UserInputException($"{hub.Display}: the Hub answered null");
                return (value, NextPage(response));
            }
            catch (JsonException e)
            {
                throw new UserInputException($"{hub.Display}: the Hub's answer is not the expected JSON ({e.Message})", e);
            }
            catch (OperationCanceledException e) when (!token.IsCancellationRequested)
            {
                throw new TimeoutException($"{hub.Display}: no answer for {settings.Timeout.TotalSeconds:0} s", e);
            }
        }, cancellationToken);
    }

    private async Task<HttpResponseMessage> SendAsync(HubLocation hub, string url, long rangeFrom, long? rangeLength, CancellationToken cancellationToken)
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, url);
        if ((environment.Get("HF_TOKEN") ?? environment.Get("HUGGING_FACE_HUB_TOKEN")) is { } token)
        {
            request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", token);
        }

        if (rangeLength is { } length)
        {
            request.Headers.Range = new RangeHeaderValue(rangeFrom, rangeFrom + length - 1);
        }
        else if (rangeFrom > 0)
        {
            request.Headers.Range = new RangeHeaderValue(rangeFrom, null);
        }

        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        timeout.CancelAfter(settings.Timeout);
        try
        {
            return await http.SendAsync(request, HttpCompletionOption.ResponseHeadersRead, timeout.Token);
        }
        catch (OperationCanceledException e) when (!cancellationToken.IsCancellationRequested)
        {
            throw new TimeoutException($"{hub.Display}: no answer from {hub.Endpoint} for {settings.Timeout.TotalSeconds:0} s", e);
        }
    }

    private void ThrowUnlessSuccess(HubLocation hub, HttpResponseMessage response)
    {
        if (response.IsSuccessStatusCode)
        {
            return;
        }

        var retryAfter = response.Headers.RetryAfter?.Delta
            ?? (response.Headers.RetryAfter?.Date is { } date ? date - time.GetUtcNow() : null);
        response.Dispose();
        var hasToken = environment.Get("HF_TOKEN") is not null || environment.Get("HUGGING_FACE_HUB_TOKEN") is not null;
        HttpStatusMessages.ThrowUnlessSuccess(response.StatusCode, hub.Display,
            hasToken ? $"HF_TOKEN is set but not accepted by {hub.Endpoint}" : "set HF_TOKEN to a token that can read it", retryAfter);
    }

    /// <summary>The URL of Link: &lt;url&gt;; rel="next", as the Hub pages listings.</summary>
    private static string? NextPage(HttpResponseMessage response) =>
        response.Headers.TryGetValues("Link", out var links)
            ? links.SelectMany(l => l.Split(',')).Select(l => NextLink().Match(l)).FirstOrDefault(m => m.Success)?.Groups[1].Value
            : null;

    [GeneratedRegex("^[0-9a-f]{40}$")]
    private static partial Regex CommitHash();

    [GeneratedRegex(@"<([^>]+)>\s*;\s*rel=""?next""?")]
    private static partial Regex NextLink();
}
