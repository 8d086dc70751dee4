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
            .Select(r => new RegistryVersion(r.Name!, $"hf://{hub.RepoId}@{r.Name}", r.TargetCommit, null))
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

        var files = new List<RemoteFile>();
        foreach (var sibling in info.Siblings ?? [])
        {
            var name = RemoteFileNames.Check(hub.Display, sibling.FileName ?? "");
            var sha256 = sibling.Lfs?.Sha256?.ToLowerInvariant();
            var size = sibling.Lfs?.Size ?? sibling.Size ?? -1;
            // An LFS file is named by its content; a small git file by its blob id, which is content too.
            var sourceKey = sha256 is not null ? "sha256:" + sha256
                : sibling.BlobId is { } blob ? "git-blob:" + blob.ToLowerInvariant()
                : $"{hub.CacheKey(commit)}/{name}";
            files.Add(new RemoteFile(name, size, sha256, null, sha256 is null ? sibling.BlobId?.ToLowerInvariant() : null, null, sourceKey));
        }

        if (files.Count == 0)
        {
            throw new UserInputException($"{hub.Display}: the repository has no files at {commit}");
        }

        files.Sort((a, b) => string.CompareOrdinal(a.Path, b.Path));
        logger.LogDebug("{Reference}: revision {Revision} is commit {Commit}", hub.Display, hub.Revision, commit);
        return new ResolvedVersion(reference, $"hf://{hub.RepoId}@{commit}", hub.CacheKey(commit), files);
    }

    public string? ImmutableCacheKey(RegistryReference reference)
    {
        var hub = HubLocation.Parse(reference, environment);
        return hub.IsCommit ? hub.CacheKey(hub.Revision) : null;
    }

    public async Task<RemoteRead> OpenReadAsync(ResolvedVersion version, RemoteFile file, long offset, long? length, CancellationToken cancellationToken)
    {
        var hub = HubLocation.Parse(version.Reference, environment);
        var commit = version.VersionId[(version.VersionId.LastIndexOf('@') + 1)..];
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

    private async Task<T> GetJsonAsync<T>(HubLocation hub, string url, CancellationToken cancellationToken)
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
                return await JsonSerializer.DeserializeAsync<T>(body, cancellationToken: timeout.Token)
                    ?? throw new UserInputException($"{hub.Display}: the Hub answered null");
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

    [GeneratedRegex("^[0-9a-f]{40}$")]
    private static partial Regex CommitHash();
}
