using System.Net;
using Azure.Core;
using Azure.Storage.Blobs;
using ModelGate.Core.Errors;
using ModelGate.Core.Registries;

namespace ModelGate.Registries.Azure;

/// <summary>
/// A container and a prefix in it ("the folder"), with the client that reaches them:
/// <list type="bullet">
/// <item>az://container/prefix: AZURE_STORAGE_CONNECTION_STRING, else AZURE_STORAGE_ACCOUNT signed in with
/// DefaultAzureCredential (environment, workload or managed identity, Azure CLI, …);</item>
/// <item>https://account.blob.core.windows.net/container/prefix?&lt;SAS&gt;: the SAS when the URL carries one, else
/// DefaultAzureCredential; path-style URLs of an emulator (http://127.0.0.1:10000/account/container/…) too.</item>
/// </list>
/// </summary>
internal sealed record AzureBlobLocation(BlobContainerClient Container, string Prefix, string Display)
{
    public const string ConnectionStringVariable = "AZURE_STORAGE_CONNECTION_STRING";
    public const string AccountVariable = "AZURE_STORAGE_ACCOUNT";

    /// <summary>The prefix that lists the folder's blobs: "prefix/", or "" for the whole container.</summary>
    public string ListPrefix => Prefix.Length == 0 ? "" : Prefix + "/";

    /// <summary>The container's address without any SAS: part of cache keys, safe to store.</summary>
    public string ContainerAddress => new UriBuilder(Container.Uri) { Query = "" }.Uri.AbsoluteUri.TrimEnd('/');

    public string BlobName(string relative) => ListPrefix + relative;

    public static AzureBlobLocation Parse(RegistryReference reference, RegistryEnvironment environment, BlobClientOptions options, Func<TokenCredential> credential)
    {
        return reference.Scheme == "az" ? ParseShort(reference, environment, options, credential) : ParseUrl(reference, options, credential);
    }

    private static AzureBlobLocation ParseShort(RegistryReference reference, RegistryEnvironment environment, BlobClientOptions options, Func<TokenCredential> credential)
    {
        var rest = reference.Original["az://".Length..];
        var slash = rest.IndexOf('/', StringComparison.Ordinal);
        var container = slash < 0 ? rest : rest[..slash];
        var prefix = slash < 0 ? "" : rest[(slash + 1)..].Trim('/');
        CheckContainer(reference, container);

        BlobServiceClient service;
        if (environment.Get(ConnectionStringVariable) is { } connectionString)
        {
            try
            {
                service = new BlobServiceClient(connectionString, options);
            }
            catch (Exception e) when (e is FormatException or ArgumentException)
            {
                throw new UserInputException($"{ConnectionStringVariable}: not a valid storage connection string ({e.GetType().Name})", e);
            }
        }
        else if (environment.Get(AccountVariable) is { } account)
        {
            service = new BlobServiceClient(new Uri($"https://{account}.blob.core.windows.net"), credential(), options);
        }
        else
        {
            throw new UserInputException($"{reference.Display}: no storage account: set {ConnectionStringVariable}, or {AccountVariable} (signed in through DefaultAzureCredential), or give the https:// URL with a SAS");
        }

        return new AzureBlobLocation(service.GetBlobContainerClient(container), prefix, reference.Display);
    }

    private static AzureBlobLocation ParseUrl(RegistryReference reference, BlobClientOptions options, Func<TokenCredential> credential)
    {
        var uri = reference.Uri!;
        var host = uri.Host;
        var emulator = IPAddress.TryParse(host, out _) || host == "localhost";
        if (!emulator && !host.Contains(".blob.", StringComparison.OrdinalIgnoreCase))
        {
            throw new UserInputException($"{reference.Display}: not an Azure Blob Storage URL (https://<account>.blob.core.windows.net/<container>/<prefix>)");
        }

        var parts = new BlobUriBuilder(uri);
        CheckContainer(reference, parts.BlobContainerName);
        var prefix = Uri.UnescapeDataString(parts.BlobName ?? "").Trim('/');
        parts.BlobName = "";
        var containerUri = parts.ToUri();
        var hasSas = uri.Query.Contains("sig=", StringComparison.OrdinalIgnoreCase);
        var container = hasSas
            ? new BlobContainerClient(containerUri, options)
            : new BlobContainerClient(containerUri, credential(), options);
        return new AzureBlobLocation(container, prefix, reference.Display);
    }

    private static void CheckContainer(RegistryReference reference, string? container)
    {
        // Azure's rule: 3-63 lower-case letters, digits and single hyphens ($root and $web are special containers).
        if (string.IsNullOrEmpty(container) || !(container is "$root" or "$web" ||
            (container.Length is >= 3 and <= 63 && container.All(c => char.IsAsciiLetterLower(c) || char.IsAsciiDigit(c) || c == '-'))))
        {
            throw new UserInputException($"{reference.Display}: '{container}' is not a blob container name (3-63 lower-case letters, digits, hyphens)");
        }
    }
}
