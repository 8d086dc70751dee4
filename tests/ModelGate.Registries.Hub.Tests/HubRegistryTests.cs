using ModelGate.Core.Errors;
using ModelGate.Core.Registries;
using ModelGate.Demo;
using ModelGate.Testing;
using ModelGate.Testing.IO;
using ModelGate.Testing.Registries;

namespace ModelGate.Registries.Hub.Tests;

[Trait("Category", "Integration")]
public sealed class HubRegistryTests : IAsyncLifetime, IDisposable
{
    private readonly TempDirectory dir = new();
    private HubStandIn hub = null!;
    private string baseFolder = null!;
    private string commit = null!;

    public Task InitializeAsync()
    {
        hub = HubStandIn.Start();
        baseFolder = new TinyModelBuilder().Build(dir.File("tiny-base")).Folder;
        commit = hub.AddRepository("org/tiny-base", baseFolder);
        return Task.CompletedTask;
    }

    public async Task DisposeAsync() => await hub.DisposeAsync();

    // xunit calls Dispose after DisposeAsync: the folder goes last.
    public void Dispose() => dir.Dispose();

    private RegistryTestHost Host(string? token = null, int maxRetries = 4, TimeSpan? timeout = null) => new(new Dictionary<string, string>
    {
        ["HF_ENDPOINT"] = hub.Endpoint,
        ["HF_TOKEN"] = token ?? "",
    }, services => services.AddHubRegistry(), maxRetries: maxRetries, timeout: timeout);

    private Task<ResolvedFolder> Resolve(RegistryTestHost host, string reference) =>
        host.Resolver.ResolveAsync(reference, dir.File("cache"), null, CancellationToken.None);

    [Fact]
    public async Task Resolve_Branch_PinsTheCommitAndMaterialisesIdenticalFiles()
    {
        using var host = Host();

        var folder = await Resolve(host, "hf://org/tiny-base@main");

        Assert.Equal($"hf://org/tiny-base@{commit}", folder.Pinned);
        Assert.Empty(FolderContents.Differences(baseFolder, folder.Path));
        Assert.Equal(Directory.GetFiles(baseFolder).Length, folder.Statistics.FilesDownloaded);
    }

    [Fact]
    public async Task SecondRun_Branch_MakesOneApiCallAndDownloadsNothing()
    {
        using var host = Host();
        await Resolve(host, "hf://org/tiny-base@main");
        var before = hub.Requests.Count;

        var again = await Resolve(host, "hf://org/tiny-base@main");

        Assert.Equal(["GET /api/models/org/tiny-base/revision/main"], hub.Requests.Skip(before).Select(r => r.Split('?')[0]));
        Assert.Equal(0, again.Statistics.FilesDownloaded);
        Assert.Equal(0, again.Statistics.BytesDownloaded);
    }

    [Fact]
    public async Task SecondRun_CommitHash_MakesNoRequestAtAll()
    {
        using var host = Host();
        await Resolve(host, $"hf://org/tiny-base@{commit}");
        var before = hub.Requests.Count;

        var again = await Resolve(host, $"hf://org/tiny-base@{commit}");

        Assert.Equal(before, hub.Requests.Count);
        Assert.Empty(FolderContents.Differences(baseFolder, again.Path));
    }

    [Fact]
    public async Task Resolve_WithoutTheRequiredToken_Is401NamingTheUriNotTheToken()
    {
        hub.RequiredToken = "hf_right_token";
        using var wrong = Host(token: "hf_wrong_secret_token");

        var error = await Assert.ThrowsAsync<UserInputException>(() => Resolve(wrong, "hf://org/tiny-base@main"));

        Assert.Contains("hf://org/tiny-base@main", error.Message);
        Assert.Contains("401", error.Message);
        Assert.DoesNotContain("hf_wrong_secret_token", error.Message);
        Assert.DoesNotContain('\n', error.Message);
        using var right = Host(token: "hf_right_token");
        Assert.Empty(FolderContents.Differences(baseFolder, (await Resolve(right, "hf://org/tiny-base@main")).Path));
    }

    [Theory]
    [InlineData("hf://org/no-such-repo@main")]
    [InlineData("hf://org/tiny-base@no-such-branch")]
    public async Task Resolve_Missing_Is404NamingTheUri(string reference)
    {
        using var host = Host();

        var error = await Assert.ThrowsAsync<UserInputException>(() => Resolve(host, reference));

        Assert.Contains(reference, error.Message);
        Assert.Contains("404", error.Message);
    }

    [Fact]
    public async Task Resolve_503sThenOk_RetriesWithBackoffAndSucceeds()
    {
        using var host = Host();
        hub.FailNext(2);

        var folder = await Resolve(host, "hf://org/tiny-base@main");

        Assert.Empty(FolderContents.Differences(baseFolder, folder.Path));
        Assert.Equal(3, hub.Requests.Count(r => r.Contains("/revision/main", StringComparison.Ordinal)));
    }

    [Fact]
    public async Task Resolve_AlwaysUnavailable_GivesUpAfterBoundedRetries()
    {
        using var host = Host(maxRetries: 2);
        hub.FailNext(1000);

        var error = await Assert.ThrowsAsync<RegistryUnavailableException>(() => Resolve(host, "hf://org/tiny-base@main"));

        Assert.Contains("hf://org/tiny-base@main", error.Message);
        Assert.Equal(3, hub.ApiRequests);
    }

    [Fact]
    public async Task Download_CutMidBody_ResumesWithARangeRequestAndVerifies()
    {
        using var host = Host();
        var big = Directory.GetFiles(baseFolder, "*.safetensors").Single();
        var name = Path.GetFileName(big);
        hub.CutNext(1);

        var folder = await Resolve(host, "hf://org/tiny-base@main");

        Assert.Empty(FolderContents.Differences(baseFolder, folder.Path));
        Assert.Equal(1, folder.Statistics.FilesResumed);
        var size = new FileInfo(big).Length;
        // The resumed request starts where the cut left off (half of a first response), not at byte 0.
        Assert.Contains(hub.Requests, r => r.Contains("/resolve/", StringComparison.Ordinal) && r.Contains(" range=", StringComparison.Ordinal));
        Assert.True(folder.Statistics.BytesDownloaded < size + new DirectoryInfo(baseFolder).GetFiles().Where(f => f.Name != name).Sum(f => f.Length) + size / 2 + 1,
            $"downloaded {folder.Statistics.BytesDownloaded} bytes: the cut file was started over instead of resumed");
    }

    [Fact]
    public async Task Download_PartialLeftByAKilledRun_IsResumedFromItsLength()
    {
        using var host = Host();
        var big = Directory.GetFiles(baseFolder, "*.safetensors").Single();
        var bytes = File.ReadAllBytes(big);
        var sha = Convert.ToHexStringLower(System.Security.Cryptography.SHA256.HashData(bytes));
        var store = new Core.Registries.Cache.ContentStore(dir.File("cache"));
        File.WriteAllBytes(store.PartialPath("sha256:" + sha), bytes[..(bytes.Length / 3)]);

        var folder = await Resolve(host, "hf://org/tiny-base@main");

        Assert.Empty(FolderContents.Differences(baseFolder, folder.Path));
        Assert.Equal(1, folder.Statistics.FilesResumed);
        Assert.Contains(hub.Requests, r => r.EndsWith($" range={bytes.Length / 3}-", StringComparison.Ordinal));
        Assert.False(File.Exists(store.PartialPath("sha256:" + sha)));
    }

    [Fact]
    public async Task Download_StalledMidBody_TimesOutAndResumes()
    {
        using var host = Host(timeout: TimeSpan.FromMilliseconds(500));
        hub.StallNext(1);

        var folder = await Resolve(host, "hf://org/tiny-base@main");

        Assert.Empty(FolderContents.Differences(baseFolder, folder.Path));
        Assert.Equal(1, folder.Statistics.FilesResumed);
        Assert.True(folder.Statistics.Retries >= 1);
    }

    [Fact]
    public async Task Download_CorruptedBytes_AreNeverUsedAndAreFetchedAgain()
    {
        using var host = Host();
        hub.CorruptNext(1);

        var folder = await Resolve(host, "hf://org/tiny-base@main");

        Assert.Empty(FolderContents.Differences(baseFolder, folder.Path));
        Assert.True(folder.Statistics.Retries >= 1);
    }

    [Fact]
    public async Task Download_AlwaysCorrupted_FailsAndLeavesNoFolder()
    {
        using var host = Host(maxRetries: 1);
        hub.CorruptNext(1000);

        var error = await Assert.ThrowsAsync<RegistryUnavailableException>(() => Resolve(host, "hf://org/tiny-base@main"));

        Assert.Contains("do not match", error.Message);
        Assert.False(Directory.Exists(Path.Combine(dir.File("cache"), "registry", "v1", "folders")) &&
            Directory.EnumerateDirectories(Path.Combine(dir.File("cache"), "registry", "v1", "folders")).Any());
    }

    [Theory]
    [InlineData("../escape.json")]
    [InlineData("/etc/passwd")]
    [InlineData("sub\\..\\..\\x")]
    public async Task Resolve_SiblingWithATraversalName_IsRefusedBeforeAnyDownload(string name)
    {
        using var host = Host();
        hub.ExtraSiblings.Add(name);

        var error = await Assert.ThrowsAsync<UserInputException>(() => Resolve(host, "hf://org/tiny-base@main"));

        Assert.Contains("refused file name", error.Message);
        Assert.Equal(0, hub.FileRequests);
    }

    [Fact]
    public async Task TwoResolversAtOnce_ShareTheCacheAndDownloadEachFileOnce()
    {
        using var first = Host();
        using var second = Host();

        var folders = await Task.WhenAll(Resolve(first, "hf://org/tiny-base@main"), Resolve(second, "hf://org/tiny-base@main"));

        Assert.Empty(FolderContents.Differences(baseFolder, folders[0].Path));
        Assert.Empty(FolderContents.Differences(baseFolder, folders[1].Path));
        Assert.Equal(Directory.GetFiles(baseFolder).Length, hub.FileRequests);
    }

    [Fact]
    public async Task ListVersions_ShowsBranchesWithTheirCommits()
    {
        using var host = Host();
        var reference = RegistryReference.Parse("hf://org/tiny-base");

        var versions = await host.Catalog.For(reference).ListVersionsAsync(reference, CancellationToken.None);

        var main = Assert.Single(versions);
        Assert.Equal("main", main.Name);
        Assert.Equal(commit, main.Pinned);
    }
}
