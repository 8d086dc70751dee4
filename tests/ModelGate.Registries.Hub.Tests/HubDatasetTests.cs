using System.Text;
using ModelGate.Core.Errors;
using ModelGate.Core.Registries;
using ModelGate.Testing;
using ModelGate.Testing.Registries;

namespace ModelGate.Registries.Hub.Tests;

[Trait("Category", "Integration")]
public sealed class HubDatasetTests : IAsyncLifetime, IDisposable
{
    private const string TestShard = "wikitext-2-raw-v1/test-00000-of-00001.parquet";
    private readonly TempDirectory dir = new();
    private HubStandIn hub = null!;
    private string datasetFolder = null!;
    private string commit = null!;

    public Task InitializeAsync()
    {
        hub = HubStandIn.Start();
        datasetFolder = dir.File("wikitext");
        // Parquet by name: the registry moves bytes and never reads them.
        Write(TestShard, "PAR1 test rows PAR1");
        Write("wikitext-2-raw-v1/train-00000-of-00002.parquet", "PAR1 train rows, first shard PAR1");
        Write("wikitext-2-raw-v1/train-00001-of-00002.parquet", "PAR1 train rows, second shard PAR1");
        Write("README.md", "# wikitext\n");
        commit = hub.AddDataset("Salesforce/wikitext", datasetFolder);
        return Task.CompletedTask;
    }

    public async Task DisposeAsync() => await hub.DisposeAsync();

    public void Dispose() => dir.Dispose();

    [Fact]
    public async Task Resolve_DatasetFileOnABranch_FetchesThatFileAndRecordsTheCommit()
    {
        using var host = Host();

        var file = await Resolve(host, $"hf://datasets/Salesforce/wikitext@main/{TestShard}");

        Assert.Equal($"hf://datasets/Salesforce/wikitext@{commit}/{TestShard}", file.Pinned);
        Assert.Equal("hf://datasets/Salesforce/wikitext@main/" + TestShard, file.Display);
        Assert.Equal(File.ReadAllBytes(Path.Combine(datasetFolder, TestShard)), File.ReadAllBytes(file.Path));
        Assert.Equal(1, file.Statistics.FilesDownloaded);
        Assert.Contains(hub.Requests, r => r.StartsWith($"GET /datasets/Salesforce/wikitext/resolve/{commit}/", StringComparison.Ordinal));
    }

    [Fact]
    public async Task Resolve_DatasetWithoutRevision_PinsMainsCommit()
    {
        using var host = Host();

        var file = await Resolve(host, $"hf://datasets/Salesforce/wikitext/{TestShard}");

        Assert.Equal($"hf://datasets/Salesforce/wikitext@{commit}/{TestShard}", file.Pinned);
        Assert.Contains("GET /api/datasets/Salesforce/wikitext/revision/main", hub.Requests);
    }

    [Fact]
    public async Task Resolve_DatasetFolderListedInPages_FetchesEveryFileUnderIt()
    {
        using var host = Host();
        hub.TreePageSize = 1;

        var folder = await Resolve(host, "hf://datasets/Salesforce/wikitext@main/wikitext-2-raw-v1");

        Assert.Equal(["test-00000-of-00001.parquet", "train-00000-of-00002.parquet", "train-00001-of-00002.parquet"],
            Directory.GetFiles(folder.Path).Select(Path.GetFileName).Order(StringComparer.Ordinal));
        Assert.Equal(3, folder.Statistics.FilesDownloaded);
    }

    [Fact]
    public async Task SecondRun_DatasetAtCommit_MakesNoRequestAtAll()
    {
        using var host = Host();
        var reference = $"hf://datasets/Salesforce/wikitext@{commit}/{TestShard}";
        await Resolve(host, reference);
        var before = hub.Requests.Count;

        var again = await Resolve(host, reference);

        Assert.Equal(before, hub.Requests.Count);
        Assert.Equal(File.ReadAllBytes(Path.Combine(datasetFolder, TestShard)), File.ReadAllBytes(again.Path));
    }

    [Theory]
    [InlineData("hf://datasets/Salesforce/wikitext@main/wikitext-2-raw-v1/validation.parquet", "no file or folder 'wikitext-2-raw-v1/validation.parquet'")]
    [InlineData("hf://datasets/Salesforce/no-such-dataset@main/x.parquet", "404")]
    [InlineData("hf://datasets/Salesforce/wikitext@no-such-branch/x.parquet", "404")]
    public async Task Resolve_MissingDatasetRevisionOrPath_NamesTheUriAndWhatIsWrong(string reference, string problem)
    {
        using var host = Host();

        var error = await Assert.ThrowsAsync<UserInputException>(() => Resolve(host, reference));

        Assert.Contains(reference, error.Message);
        Assert.Contains(problem, error.Message);
        Assert.DoesNotContain('\n', error.Message);
    }

    [Fact]
    public async Task ResolveSplit_ConfigAndSplit_FetchesOnlyThatSplitsShardsAtThePinnedCommit()
    {
        using var host = Host();

        var split = await host.DatasetSplits.ResolveAsync("hf://datasets/Salesforce/wikitext@main", "wikitext-2-raw-v1", "train", dir.File("cache"), null, CancellationToken.None);

        Assert.Equal($"hf://datasets/Salesforce/wikitext@{commit}", split.Pinned);
        Assert.Equal(["train-00000-of-00002.parquet", "train-00001-of-00002.parquet"], split.Files.Select(Path.GetFileName));
        Assert.Equal(2, split.Statistics.FilesDownloaded);
    }

    [Fact]
    public async Task ResolveSplit_NoSuchSplit_SaysWhereItLooked()
    {
        using var host = Host();

        var error = await Assert.ThrowsAsync<UserInputException>(() =>
            host.DatasetSplits.ResolveAsync("hf://datasets/Salesforce/wikitext@main", "wikitext-2-raw-v1", "validation", dir.File("cache"), null, CancellationToken.None));

        Assert.Contains("hf://datasets/Salesforce/wikitext@main", error.Message);
        Assert.Contains("wikitext-2-raw-v1/validation-*.parquet", error.Message);
        Assert.Equal(0, hub.FileRequests);
    }

    private RegistryTestHost Host() => new(new Dictionary<string, string> { ["HF_ENDPOINT"] = hub.Endpoint }, services => services.AddHubRegistry());

    private Task<ResolvedFolder> Resolve(RegistryTestHost host, string reference) =>
        host.Resolver.ResolveAsync(reference, dir.File("cache"), null, CancellationToken.None);

    private void Write(string path, string text)
    {
        var file = Path.Combine(datasetFolder, path);
        Directory.CreateDirectory(Path.GetDirectoryName(file)!);
        File.WriteAllText(file, text, Encoding.UTF8);
    }
}
