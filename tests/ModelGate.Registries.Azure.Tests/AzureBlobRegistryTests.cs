using Azure.Storage.Blobs;
using Azure.Storage.Blobs.Models;
using Azure.Storage.Sas;
using ModelGate.Core.Errors;
using ModelGate.Core.Promotion;
using ModelGate.Core.Registries;
using ModelGate.Demo;
using ModelGate.Testing;
using ModelGate.Testing.IO;
using ModelGate.Testing.Registries;
using Xunit.Abstractions;

namespace ModelGate.Registries.Azure.Tests;

[Trait("Category", "Integration")]
public sealed class AzureBlobRegistryTests(AzuriteFixture shared, ITestOutputHelper output) : IAsyncLifetime, IDisposable, IClassFixture<AzuriteFixture>
{
    private readonly TempDirectory dir = new();
    private AzuriteServer azurite = null!;
    private bool ownServer;
    private BlobContainerClient container = null!;
    private string containerName = null!;
    private string baseFolder = null!;
    private string adapterFolder = null!;

    public async Task InitializeAsync()
    {
        // One server for the class (Azurite takes seconds to start); a container per test keeps them apart.
        azurite = shared.Server;
        containerName = "m" + Guid.NewGuid().ToString("N")[..20];
        await CreateContainerAsync();
        baseFolder = new TinyModelBuilder().Build(dir.File("tiny-base")).Folder;
        adapterFolder = new LoraAdapterBuilder().WithIntruders("model.layers.0.self_attn.q_proj", 2).Build(baseFolder, dir.File("adapter"));
        await UploadAsync(baseFolder, "bases/tiny");
        await UploadAsync(adapterFolder, "adapters/support-bot/v7");
    }

    private async Task CreateContainerAsync()
    {
        container = new BlobServiceClient(azurite.ConnectionString).GetBlobContainerClient(containerName);
        await container.CreateAsync();
    }

    public async Task DisposeAsync()
    {
        if (ownServer)
        {
            await azurite.DisposeAsync();
        }
    }

    // xunit calls Dispose after DisposeAsync: the folder goes last.
    public void Dispose() => dir.Dispose();

    private RegistryTestHost Host(int maxRetries = 4, TimeSpan? maxRetryDelay = null) =>
        Host(new Dictionary<string, string> { ["AZURE_STORAGE_CONNECTION_STRING"] = azurite.ConnectionString }, maxRetries, maxRetryDelay);

    private static RegistryTestHost HostWithoutCredentials() => Host(new Dictionary<string, string>());

    private static RegistryTestHost Host(IReadOnlyDictionary<string, string> environment, int maxRetries = 4, TimeSpan? maxRetryDelay = null) =>
        new(environment, services => services.AddAzureBlobRegistry(), maxRetries: maxRetries, maxRetryDelay: maxRetryDelay);

    private Task<ResolvedFolder> Resolve(RegistryTestHost host, string reference) =>
        host.Resolver.ResolveAsync(reference, dir.File("cache"), null, CancellationToken.None);

    private async Task UploadAsync(string folder, string prefix)
    {
        foreach (var file in Directory.GetFiles(folder))
        {
            await container.GetBlobClient($"{prefix}/{Path.GetFileName(file)}").UploadAsync(file, overwrite: true);
        }
    }

    [Fact]
    public async Task Resolve_Prefix_MaterialisesTheBlobsAsAFolder()
    {
        using var host = Host();

        var folder = await Resolve(host, $"az://{containerName}/bases/tiny");

        Assert.Empty(FolderContents.Differences(baseFolder, folder.Path));
        Assert.StartsWith($"az://{containerName}/bases/tiny#", folder.Pinned);
        Assert.Equal(Directory.GetFiles(baseFolder).Length, folder.Statistics.FilesDownloaded);
    }

    [Fact]
    public async Task SecondRun_SameBlobs_DownloadsNothing()
    {
        using var host = Host();
        var first = await Resolve(host, $"az://{containerName}/bases/tiny");

        var again = await Resolve(host, $"az://{containerName}/bases/tiny");

        Assert.Equal(first.Path, again.Path);
        Assert.Equal(0, again.Statistics.FilesDownloaded);
        Assert.Equal(0, again.Statistics.BytesDownloaded);
    }

    [Fact]
    public async Task SecondRun_OneBlobReplaced_DownloadsOnlyThatBlob()
    {
        using var host = Host();
        await Resolve(host, $"az://{containerName}/adapters/support-bot/v7");
        var config = Path.Combine(adapterFolder, "adapter_config.json");
        await container.GetBlobClient("adapters/support-bot/v7/adapter_config.json").UploadAsync(
            new BinaryData(File.ReadAllText(config).Replace("\"r\"", "\"r\" ", StringComparison.Ordinal)), overwrite: true);

        var again = await Resolve(host, $"az://{containerName}/adapters/support-bot/v7");

        Assert.Equal(1, again.Statistics.FilesDownloaded);
        Assert.Equal(Directory.GetFiles(adapterFolder).Length - 1, again.Statistics.FilesReused);
    }

    [Fact]
    public async Task Resolve_SasUrl_WorksWithoutAConnectionStringAndNeverShowsTheSignature()
    {
        var sas = container.GenerateSasUri(BlobContainerSasPermissions.Read | BlobContainerSasPermissions.List, DateTimeOffset.UtcNow.AddHours(1));
        var url = $"{container.Uri}/bases/tiny{sas.Query}";
        using var host = HostWithoutCredentials();

        var folder = await Resolve(host, url);

        Assert.Empty(FolderContents.Differences(baseFolder, folder.Path));
        var signature = System.Web.HttpUtility.ParseQueryString(sas.Query)["sig"]!;
        Assert.DoesNotContain(signature, folder.Display);
        Assert.DoesNotContain(Uri.EscapeDataString(signature), folder.Pinned);
    }

    [Fact]
    public async Task Resolve_SasWithoutListPermission_Is403NamingTheRedactedUri()
    {
        var sas = container.GenerateSasUri(BlobContainerSasPermissions.Read, DateTimeOffset.UtcNow.AddHours(1));
        var url = $"{container.Uri}/bases/tiny{sas.Query}";
        var signature = System.Web.HttpUtility.ParseQueryString(sas.Query)["sig"]!;
        using var host = HostWithoutCredentials();

        var error = await Assert.ThrowsAsync<UserInputException>(() => Resolve(host, url));

        Assert.Contains("403", error.Message);
        Assert.Contains($"{container.Uri}/bases/tiny?", error.Message);
        Assert.DoesNotContain(signature, error.Message);
        Assert.DoesNotContain(Uri.EscapeDataString(signature), error.Message);
        Assert.DoesNotContain('\n', error.Message);
    }

    [Theory]
    [InlineData("no/such/prefix", "no blobs")]
    [InlineData("../no-such-container/x", "404")]
    public async Task Resolve_Missing_SaysSoNamingTheUri(string path, string expected)
    {
        using var host = Host();
        var reference = path.StartsWith("../", StringComparison.Ordinal) ? "az://" + path[3..] : $"az://{containerName}/{path}";

        var error = await Assert.ThrowsAsync<UserInputException>(() => Resolve(host, reference));

        Assert.Contains(reference, error.Message);
        Assert.Contains(expected, error.Message);
    }

    [Fact]
    public async Task Resolve_WithoutAnyCredentials_SaysWhatToSet()
    {
        using var host = HostWithoutCredentials();

        var error = await Assert.ThrowsAsync<UserInputException>(() => Resolve(host, $"az://{containerName}/bases/tiny"));

        Assert.Contains("AZURE_STORAGE_CONNECTION_STRING", error.Message);
    }

    [Fact]
    public async Task Resolve_BlobWithABackslashName_IsRefused()
    {
        // Blob names may hold backslashes; on Windows "..\\x" would leave the folder.
        await container.GetBlobClient("evil/..\\outside.json").UploadAsync(new BinaryData("{}"), overwrite: true);
        using var host = Host();

        var error = await Assert.ThrowsAsync<UserInputException>(() => Resolve(host, $"az://{containerName}/evil"));

        Assert.Contains("refused file name", error.Message);
    }

    [Fact]
    public async Task Download_AzuriteKilledMidFile_IsResumedOrRedoneAndVerifiedAfterRestart()
    {
        // A blob big enough that the kill lands while its body is still streaming.
        // This test kills the server: it gets its own.
        azurite = await AzuriteServer.StartNewAsync();
        ownServer = true;
        await CreateContainerAsync();
        var big = new byte[24 << 20];
        new Random(7).NextBytes(big);
        await container.GetBlobClient("big/model.safetensors").UploadAsync(new BinaryData(big), overwrite: true);
        await azurite.WaitUntilPersistedAsync("big/model.safetensors", TimeSpan.FromSeconds(30));
        await azurite.WaitUntilPersistedAsync(containerName, TimeSpan.FromSeconds(30));
        // Backoff long enough to outlast a restart of Azurite on a busy machine (seconds), as it would a real outage.
        using var host = Host(maxRetries: 10, maxRetryDelay: TimeSpan.FromSeconds(3));
        var killed = 0;
        long doneAtKill = 0;
        Task? restart = null;
        var progress = new SynchronousProgress(p =>
        {
            if (p.BytesDone > 2 << 20 && Interlocked.Exchange(ref killed, 1) == 0)
            {
                doneAtKill = p.BytesDone;
                azurite.Kill();
                restart = azurite.StartAsync();
            }
        });

        var folder = await host.Resolver.ResolveAsync($"az://{containerName}/big", dir.File("cache"), progress, CancellationToken.None);

        await restart!;
        output.WriteLine($"killed at {doneAtKill} bytes; after the kill: {folder.Statistics.Retries} retries, {folder.Statistics.FilesResumed} resumed, {folder.Statistics.BytesDownloaded} bytes downloaded for a {big.Length}-byte blob");
        Assert.Equal(1, killed);
        Assert.InRange(doneAtKill, 1, big.Length - 1);
        Assert.True(big.AsSpan().SequenceEqual(File.ReadAllBytes(Path.Combine(folder.Path, "model.safetensors"))));
        // Who noticed the cut depends on how long the restart takes: the SDK's retriable download stream re-requests
        // the rest of the range itself when Azurite is back within its retries; when it is not, our resume does (and
        // counts, resuming from the partial file or redoing it). Either way the file is whole and verified, and nothing
        // half-written is left behind.
        Assert.InRange(folder.Statistics.BytesDownloaded, big.Length, 2L * big.Length);
        Assert.Empty(Directory.GetFiles(Path.Combine(dir.File("cache"), "registry", "v1", "partial"), "*.partial"));
    }

    [Fact]
    public async Task Promote_Pass_WritesFilesVerdictReportThenTheMarkerWithLabels()
    {
        using var host = Host();
        var request = Request($"az://{containerName}/released/support-bot", allowed: true);

        var result = await host.Promoter.PromoteAsync(request, CancellationToken.None);

        Assert.True(result.Promoted);
        var marker = container.GetBlobClient("released/support-bot/v7/_RELEASED.json");
        var properties = (await marker.GetPropertiesAsync()).Value;
        Assert.Equal("pass", properties.Metadata["intruder_gate"]);
        Assert.Equal("2", properties.Metadata["intruders"]);
        var tags = (await marker.GetTagsAsync()).Value.Tags;
        Assert.Equal("pass", tags["intruder-gate"]);
        foreach (var name in Directory.GetFiles(adapterFolder).Select(Path.GetFileName).Append("verdict.json").Append("report.md"))
        {
            Assert.True((await container.GetBlobClient($"released/support-bot/v7/{name}").ExistsAsync()).Value, name);
        }

        // The release is itself a registry version: resolvable, with the adapter's bytes.
        var fetched = await Resolve(host, $"az://{containerName}/released/support-bot/v7");
        Assert.True(File.ReadAllBytes(Path.Combine(adapterFolder, "adapter_model.safetensors")).AsSpan()
            .SequenceEqual(File.ReadAllBytes(Path.Combine(fetched.Path, "adapter_model.safetensors"))));
    }

    [Fact]
    public async Task Promote_NotAllowed_WritesNothing()
    {
        using var host = Host();

        var result = await host.Promoter.PromoteAsync(Request($"az://{containerName}/released/support-bot", allowed: false), CancellationToken.None);

        Assert.False(result.Promoted);
        await foreach (var _ in container.GetBlobsAsync(new GetBlobsOptions { Prefix = "released/" }))
        {
            Assert.Fail("a blob was written for a failed gate");
        }
    }

    [Fact]
    public async Task Promote_SameVersionTwice_IsRefused()
    {
        using var host = Host();
        await host.Promoter.PromoteAsync(Request($"az://{containerName}/released/support-bot", allowed: true), CancellationToken.None);

        var error = await Assert.ThrowsAsync<UserInputException>(() => host.Promoter.PromoteAsync(Request($"az://{containerName}/released/support-bot", allowed: true), CancellationToken.None));

        Assert.Contains("already released", error.Message);
    }

    [Fact]
    public async Task ListVersions_ShowsReleasedVersionsWithVerdictAndHalfCopiedOnesAsNotReleased()
    {
        using var host = Host();
        await host.Promoter.PromoteAsync(Request($"az://{containerName}/released/support-bot", allowed: true), CancellationToken.None);
        // A promotion cut short: files without the marker.
        await UploadAsync(adapterFolder, "released/support-bot/v8");
        var location = RegistryReference.Parse($"az://{containerName}/released/support-bot");

        var versions = await host.Catalog.For(location).ListVersionsAsync(location, CancellationToken.None);

        Assert.Equal(["v7", "v8"], versions.Select(v => v.Name));
        Assert.Equal("pass", versions[0].Release?.Verdict);
        Assert.Equal(2, versions[0].Release?.TotalIntruders);
        Assert.Null(versions[1].Release);
    }

    private PromotionRequest Request(string destination, bool allowed) => new(
        destination, adapterFolder, $"az://{containerName}/adapters/support-bot/v7", $"az://{containerName}/adapters/support-bot/v7#abc", $"az://{containerName}/bases/tiny",
        "v7", allowed, allowed ? "pass" : "fail", 2, """{"verdict":"pass"}""", "# report\n");

    private sealed class SynchronousProgress(Action<RegistryProgress> report) : IProgress<RegistryProgress>
    {
        public void Report(RegistryProgress value) => report(value);
    }
}
