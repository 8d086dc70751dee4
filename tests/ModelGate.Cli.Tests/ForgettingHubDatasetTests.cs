using System.Text.Json;
using ModelGate.Testing;
using ModelGate.Testing.Registries;
using ModelGate.Testing.Datasets;

namespace ModelGate.Cli.Tests;

/// <summary>
/// <c>forgetting --tasks NAME</c> with the task's own dataset served by the Hub stand-in, as the Hub lays it out:
/// the split's Parquet shard is fetched (not the other splits), read in the task's format, and the commit recorded.
/// </summary>
[Collection(RegistryEnvironmentCollection.Name)]
[Trait("Category", "Integration")]
public sealed class ForgettingHubDatasetTests : IDisposable
{
    private readonly TempDirectory dir = new();
    private readonly string? savedEndpoint = Environment.GetEnvironmentVariable("HF_ENDPOINT");

    public void Dispose()
    {
        Environment.SetEnvironmentVariable("HF_ENDPOINT", savedEndpoint);
        dir.Dispose();
    }

    private static string Peer(params string[] parts) => Path.Combine([RepositoryPaths.PeerVectors(), .. parts]);

    [Fact]
    public async Task Forgetting_BareTaskNameOnTheHub_FetchesItsTestSplitAndRecordsTheCommit()
    {
        var repo = Directory.CreateDirectory(Path.Combine(dir.File("ai2_arc"), "ARC-Easy")).FullName;
        await WriteArcAsync(Path.Combine(repo, "test-00000-of-00001.parquet"), "A");
        // A split the task does not read, with a row that would be refused: fetching or reading it fails the test.
        await WriteArcAsync(Path.Combine(repo, "train-00000-of-00001.parquet"), "Z");
        await using var hub = HubStandIn.Start();
        var commit = hub.AddDataset("allenai/ai2_arc", dir.File("ai2_arc"));
        Environment.SetEnvironmentVariable("HF_ENDPOINT", hub.Endpoint);

        var (code, _, stderr) = await CliRunner.RunAsync("forgetting", "--base", Peer("models", "llama3_gqa_tied"), "--adapter", Peer("adapters", "llama3_lora_all"),
            "--tasks", "arc_easy", "--bootstrap", "50", "--device", "cpu", "--format", "json", "-o", dir.File("f.json"), "--cache", dir.File("cache"));

        Assert.True(code == 0, stderr);
        using var json = JsonDocument.Parse(File.ReadAllText(dir.File("f.json")));
        var dataset = json.RootElement.GetProperty("datasets").EnumerateArray().Single();
        Assert.Equal(("arc_easy", "test", commit, 2), (dataset.GetProperty("task").GetString(), dataset.GetProperty("split").GetString(),
            dataset.GetProperty("revision").GetString(), dataset.GetProperty("rows").GetInt32()));
        Assert.Equal($"hf://datasets/allenai/ai2_arc@{commit}", dataset.GetProperty("source").GetString());
        Assert.Empty(Directory.EnumerateFiles(dir.File("cache"), "train-*", SearchOption.AllDirectories));
    }

    [Fact]
    public async Task Gate_PolicyNamingABareTask_FetchesItsHubSplitAndGatesOnIt()
    {
        var repo = Directory.CreateDirectory(Path.Combine(dir.File("ai2_arc"), "ARC-Easy")).FullName;
        await WriteArcAsync(Path.Combine(repo, "test-00000-of-00001.parquet"), "A");
        await using var hub = HubStandIn.Start();
        hub.AddDataset("allenai/ai2_arc", dir.File("ai2_arc"));
        Environment.SetEnvironmentVariable("HF_ENDPOINT", hub.Endpoint);
        File.WriteAllText(dir.File("policy.json"), """
            { "intruders": { "total": null, "perModule": [], "perLayer": null, "growth": null },
              "forgetting": { "tasks": ["arc_easy"], "accuracyDropPts": { "fail": 100 } } }
            """);

        var (code, stdout, stderr) = await CliRunner.RunAsync("gate", "--base", Peer("models", "llama3_gqa_tied"), "--adapter", Peer("adapters", "llama3_lora_all"),
            "--policy", dir.File("policy.json"), "--json", dir.File("verdict.json"), "--device", "cpu", "--cache", dir.File("cache"));

        Assert.True(code == 0, stderr + stdout);
        using var verdict = JsonDocument.Parse(File.ReadAllText(dir.File("verdict.json")));
        var observation = verdict.RootElement.GetProperty("forgetting").EnumerateArray().Single();
        Assert.Equal(("accuracyDropPts", "arc_easy"), (observation.GetProperty("metric").GetString(), observation.GetProperty("dataset").GetString()));
        Assert.Equal("pass", verdict.RootElement.GetProperty("rules").EnumerateArray().Single(r => r.GetProperty("code").GetString() == "MG0103").GetProperty("status").GetString());
    }

    private static Task WriteArcAsync(string path, string answerKey) => ArcParquet.WriteAsync(path,
    [
        ArcParquet.Row("What does a function return", ["a value", "a zebra"], ["A", "B"], answerKey),
        ArcParquet.Row("Which keyword defines a function", ["def", "banana"], ["A", "B"], "A"),
    ], rowGroupSize: 2);
}
