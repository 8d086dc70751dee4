using System.Diagnostics.CodeAnalysis;
using System.Security.Cryptography;
using System.Text;
using Azure;
using Azure.Core;
using Azure.Identity;
using Azure.Storage.Blobs;
using Azure.Storage.Blobs.Models;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using ModelGate.Core.Errors;
using ModelGate.Core.Registries;

namespace ModelGate.Registries.Azure;

/// <summary>
/// Azure Blob Storage: a version is a prefix (…/v7/), each blob in it pinned by its version id when the account
/// keeps versions, else by its ETag (sent back as If-Match, so a blob replaced mid-download is noticed). Content-MD5
/// is checked when the blob has one. Retries are the SDK's own (exponential, bounded by <see cref="RegistrySettings"/>)
/// plus ModelGate's resume of a download cut after the SDK gave up.
/// </summary>
public sealed class AzureBlobRegistry(RegistryEnvironment environment, IOptions<RegistrySettings> options, ILogger<AzureBlobRegistry> logger) : IRegistry
{
    private readonly BlobClientOptions clientOptions = ClientOptions(options.Value);

    public async Task<IReadOnlyList<RegistryVersion>> ListVersionsAsync(RegistryReference location, CancellationToken cancellationToken)
    {
        var azure = Locate(location);
        var versions = new List<RegistryVersion>();
        await Call(azure, async () =>
        {
            await foreach (var item in azure.Container.GetBlobsByHierarchyAsync(new GetBlobsByHierarchyOptions { Prefix = azure.ListPrefix, Delimiter = "/" }, cancellationToken))
            {
                if (!item.IsPrefix)
                {
                    continue;
                }

                var name = item.Prefix[azure.ListPrefix.Length..].TrimEnd('/');
                var version = location.Append(name);
                var marker = ReleaseMarker.TryParse(await ReadAsync(azure, azure.BlobName(name + "/" + ReleaseMarker.FileName), cancellationToken));
                versions.Add(new RegistryVersion(name, version.Display, null, marker));
            }
        });
        return versions;
    }

    public async Task<ResolvedVersion> ResolveAsync(RegistryReference reference, CancellationToken cancellationToken)
    {
        var azure = Locate(reference);
        var files = new List<RemoteFile>();
        await Call(azure, async () =>
        {
            await foreach (var blob in azure.Container.GetBlobsAsync(new GetBlobsOptions { Prefix = azure.ListPrefix }, cancellationToken))
            {
                if (blob.Name.EndsWith('/') || blob.Deleted)
                {
                    continue; // folder placeholders some tools write
                }

                var name = RemoteFileNames.Check(reference.Display, blob.Name[azure.ListPrefix.Length..]);
                var etag = blob.Properties.ETag?.ToString();
                var md5 = blob.Properties.ContentHash is { Length: 16 } hash ? Convert.ToBase64String(hash) : null;
                var pin = blob.VersionId ?? etag ?? throw new UserInputException($"{reference.Display}: blob {name} has neither a version id nor an ETag");
                files.Add(new RemoteFile(name, blob.Properties.ContentLength ?? -1, null, md5, null, etag,
                    $"az:{azure.ContainerAddress}/{blob.Name}#{pin}", blob.VersionId));
            }
        });

        if (files.Count == 0)
        {
            throw new UserInputException($"{reference.Display}: no blobs under this prefix (404)");
        }

        files.Sort((a, b) => string.CompareOrdinal(a.Path, b.Path));
        var cacheKey = $"az:{azure.ContainerAddress}/{azure.Prefix}|" + string.Join('|', files.Select(f => $"{f.Path}#{f.VersionId ?? f.ETag}"));
        var fingerprint = Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(cacheKey)))[..12];
        return new ResolvedVersion(reference, $"{reference.Display}#{fingerprint}", cacheKey, files);
    }

    public string? ImmutableCacheKey(RegistryReference reference) => null;

    public async Task<RemoteRead> OpenReadAsync(ResolvedVersion version, RemoteFile file, long offset, long? length, CancellationToken cancellationToken)
    {
        var azure = Locate(version.Reference);
        var blob = azure.Container.GetBlobClient(azure.BlobName(file.Path));
        if (file.VersionId is { } pinned)
        {
            blob = blob.WithVersion(pinned);
        }

        var download = new BlobDownloadOptions
        {
            Range = new HttpRange(offset, length),
            Conditions = file.VersionId is null && file.ETag is { } etag ? new BlobRequestConditions { IfMatch = new ETag(etag) } : null,
        };
        try
        {
            var result = await blob.DownloadStreamingAsync(download, cancellationToken);
            return new RemoteRead(result.Value.Content, offset);
        }
        catch (RequestFailedException e) when (e.Status == 412)
        {
            throw new UserInputException($"{version.Reference.Display}: {file.Path} changed while it was being downloaded; run again to take the new version");
        }
        catch (RequestFailedException e) when (e.Status is 401 or 403 or 404)
        {
            HttpStatusMessages.ThrowUnlessSuccess((System.Net.HttpStatusCode)e.Status, $"{version.Reference.Display}: {file.Path}", AuthHint);
            throw;
        }
        catch (RequestFailedException e) when (IsTransient(e))
        {
            // Core's retry knows no Azure types: say "try again" in its words, so the download resumes.
            throw new TransientRegistryException($"{version.Reference.Display}: {file.Path}: {Reason(e)}", null, e);
        }
    }

    /// <summary>Whether another try may succeed: Core's rule, plus the SDK's own exception for a timeout, 408, 429 or 5xx.</summary>
    private static bool IsTransient(Exception e) =>
        RegistryRetry.IsTransient(e) || e is RequestFailedException r && (r.Status == 0 || RegistryRetry.IsTransientStatus((System.Net.HttpStatusCode)r.Status));

    private static string Reason(Exception e) =>
        e is RequestFailedException r ? $"HTTP {r.Status} {r.ErrorCode}".Trim() : e.GetBaseException().Message.ReplaceLineEndings(" ");

    private const string ContentMd5Justification =
        "Content-MD5 is Azure Blob Storage's transfer-integrity check (the service verifies it on upload, downloads are checked against it): a protocol requirement, not a security use.";

    [SuppressMessage("Security", "CA5351:Do Not Use Broken Cryptographic Algorithms", Justification = ContentMd5Justification)]
    private static byte[] ContentMd5(byte[] bytes) => MD5.HashData(bytes);

    [SuppressMessage("Security", "CA5351:Do Not Use Broken Cryptographic Algorithms", Justification = ContentMd5Justification)]
    private static async Task<byte[]> ContentMd5Async(string path, CancellationToken cancellationToken)
    {
        await using var stream = File.OpenRead(path);
        return await MD5.HashDataAsync(stream, cancellationToken);
    }

    public RegistryReference Child(RegistryReference folder, string name) => folder.Append(RemoteFileNames.Check(folder.Display, name));

    public async Task WriteFileAsync(RegistryReference folder, string name, string localPath, CancellationToken cancellationToken)
    {
        var azure = Locate(folder);
        var blob = azure.Container.GetBlobClient(azure.BlobName(RemoteFileNames.Check(folder.Display, name)));
        var md5 = await ContentMd5Async(localPath, cancellationToken);

        await Call(azure, async () => await blob.UploadAsync(localPath, new BlobUploadOptions
        {
            // Stored as Content-MD5 even for block uploads, so every later download can be checked.
            HttpHeaders = new BlobHttpHeaders { ContentHash = md5 },
        }, cancellationToken));
    }

    public async Task<bool> CreateFileAsync(RegistryReference folder, string name, string localPath, CancellationToken cancellationToken)
    {
        var azure = Locate(folder);
        var blob = azure.Container.GetBlobClient(azure.BlobName(RemoteFileNames.Check(folder.Display, name)));
        var md5 = await ContentMd5Async(localPath, cancellationToken);

        // If-None-Match: * makes the upload create-only; a block upload becomes visible only when its block list is
        // committed, so a killed upload leaves nothing a reader can see.
        return await UploadIfAsync(azure, () => blob.UploadAsync(localPath, new BlobUploadOptions
        {
            HttpHeaders = new BlobHttpHeaders { ContentHash = md5 },
            Conditions = new BlobRequestConditions { IfNoneMatch = ETag.All },
        }, cancellationToken));
    }

    public async Task<TaggedText?> ReadTaggedTextAsync(RegistryReference folder, string name, CancellationToken cancellationToken)
    {
        var azure = Locate(folder);
        var blob = azure.Container.GetBlobClient(azure.BlobName(RemoteFileNames.Check(folder.Display, name)));
        TaggedText? result = null;
        await Call(azure, async () =>
        {
            try
            {
                var content = await blob.DownloadContentAsync(cancellationToken);
                result = new TaggedText(content.Value.Content.ToString(), content.Value.Details.ETag.ToString());
            }
            catch (RequestFailedException e) when (e.Status == 404)
            {
                result = null;
            }
        });
        return result;
    }

    public async Task<bool> ReplaceTextAsync(RegistryReference folder, string name, string text, string? expectedTag, CancellationToken cancellationToken)
    {
        var azure = Locate(folder);
        var blob = azure.Container.GetBlobClient(azure.BlobName(RemoteFileNames.Check(folder.Display, name)));
        var bytes = new UTF8Encoding(false).GetBytes(text);
        return await UploadIfAsync(azure, () => blob.UploadAsync(new BinaryData(bytes), new BlobUploadOptions
        {
            HttpHeaders = new BlobHttpHeaders { ContentType = "application/json", ContentHash = ContentMd5(bytes) },
            Conditions = expectedTag is null
                ? new BlobRequestConditions { IfNoneMatch = ETag.All }
                : new BlobRequestConditions { IfMatch = new ETag(expectedTag) },
        }, cancellationToken));
    }

    public async Task<string?> ReadTextAsync(RegistryReference folder, string name, CancellationToken cancellationToken)
    {
        var azure = Locate(folder);
        string? text = null;
        await Call(azure, async () => text = await ReadAsync(azure, azure.BlobName(RemoteFileNames.Check(folder.Display, name)), cancellationToken));
        return text;
    }

    public async Task WriteTextAsync(RegistryReference folder, string name, string text, IReadOnlyDictionary<string, string> labels, CancellationToken cancellationToken)
    {
        var azure = Locate(folder);
        var blob = azure.Container.GetBlobClient(azure.BlobName(RemoteFileNames.Check(folder.Display, name)));
        var bytes = new UTF8Encoding(false).GetBytes(text);
        await Call(azure, async () => await blob.UploadAsync(new BinaryData(bytes), new BlobUploadOptions
        {
            HttpHeaders = new BlobHttpHeaders
            {
                ContentType = name.EndsWith(".json", StringComparison.Ordinal) ? "application/json" : "text/markdown; charset=utf-8",
                ContentHash = ContentMd5(bytes),
            },
            // Metadata names must be C# identifiers: intruder-gate is stored as intruder_gate.
            Metadata = labels.ToDictionary(l => l.Key.Replace('-', '_'), l => l.Value),
        }, cancellationToken));

        if (labels.Count == 0)
        {
            return;
        }

        try
        {
            // Index tags make releases findable by query (e.g. "intruder-gate" = 'pass'); they need the 't' permission.
            await blob.SetTagsAsync(labels.ToDictionary(), cancellationToken: cancellationToken);
        }
        catch (RequestFailedException e) when (e.Status is 400 or 403 or 404 or 409 or 501)
        {
            logger.LogWarning("{Blob}: blob index tags not set (HTTP {Status}); the labels are in its metadata", $"{folder.Display}/{name}", e.Status);
        }
    }

    private const string AuthHint = "check AZURE_STORAGE_CONNECTION_STRING, the SAS (permissions r,l to read; w,c,t to promote; expiry) or the signed-in identity's role, e.g. Storage Blob Data Reader";

    private static BlobClientOptions ClientOptions(RegistrySettings settings)
    {
        var result = new BlobClientOptions();
        result.Retry.Mode = RetryMode.Exponential;
        result.Retry.MaxRetries = settings.MaxRetries;
        result.Retry.Delay = settings.RetryDelay;
        result.Retry.MaxDelay = settings.MaxRetryDelay;
        result.Retry.NetworkTimeout = settings.Timeout;
        return result;
    }

    // One credential for the process, made on first need: each DefaultAzureCredential asks the Azure CLI or the
    // identity endpoint for its own token, which would cost a round trip per file; one client per location.
    private readonly Lazy<TokenCredential> credential = new(() => new DefaultAzureCredential());
    private readonly System.Collections.Concurrent.ConcurrentDictionary<string, AzureBlobLocation> locations = new(StringComparer.Ordinal);

    private AzureBlobLocation Locate(RegistryReference reference) =>
        locations.GetOrAdd(reference.Original, _ => AzureBlobLocation.Parse(reference, environment, clientOptions, () => credential.Value));

    private static async Task<string?> ReadAsync(AzureBlobLocation azure, string blobName, CancellationToken cancellationToken)
    {
        try
        {
            var content = await azure.Container.GetBlobClient(blobName).DownloadContentAsync(cancellationToken);
            return content.Value.Content.ToString();
        }
        catch (RequestFailedException e) when (e.Status == 404)
        {
            return null;
        }
    }

    /// <summary>A conditional upload: false when its condition failed (409/412: another writer got there first).</summary>
    private static async Task<bool> UploadIfAsync(AzureBlobLocation azure, Func<Task> upload)
    {
        var uploaded = false;
        await Call(azure, async () =>
        {
            try
            {
                await upload();
                uploaded = true;
            }
            catch (RequestFailedException e) when (e.Status is 409 or 412)
            {
                uploaded = false;
            }
        });
        return uploaded;
    }

    /// <summary>Runs an SDK call, turning what the user can fix into one-line messages and what the SDK's retries could not fix into <see cref="RegistryUnavailableException"/>.</summary>
    private static async Task Call(AzureBlobLocation azure, Func<Task> call)
    {
        try
        {
            await call();
        }
        catch (RequestFailedException e) when (e.Status is 401 or 403 or 404)
        {
            HttpStatusMessages.ThrowUnlessSuccess((System.Net.HttpStatusCode)e.Status, azure.Display, AuthHint);
        }
        catch (AuthenticationFailedException e)
        {
            throw new UserInputException($"{azure.Display}: no Azure credentials ({e.GetType().Name}): set {AzureBlobLocation.ConnectionStringVariable}, use a SAS URL, or sign in (az login, managed identity) for DefaultAzureCredential", e);
        }
        catch (Exception e) when (IsTransient(e))
        {
            throw new RegistryUnavailableException($"{azure.Display}: failed after retries ({SecretRedaction.Redact(Reason(e))})", e);
        }
    }
}
