using System.Text.Json;
using Azure.Storage.Blobs;
using Azure.Storage.Sas;
using ModelGate.Core.Registries;
using ModelGate.Demo;
using ModelGate.Testing;
using ModelGate.Testing.Registries;

namespace ModelGate.Cli.Tests;

/// <summary>The verbs with --base and --adapter taken from registries: Azurite, a Hub stand-in, folders.</summary>
[Collection(RegistryEnvironmentCollection.Name)]
[Trait("Category", "Integration")]
public sealed class RegistryCommandTests : IAsyncLifetime, IDisposable
{
    private static readonly string[] Variables = ["HF_ENDPOINT", "HF_TOKEN", "AZURE_STORAGE_CONNECTION_STRING", "MODELGATE_Registries__MaxRetries", "MODELGATE_Registries__RetryDelay"];
    private readonly TempDirectory dir = new();
    private readonly Dictionary<string, string?> saved = Variables.ToDictionary(v => v, Environment.GetEnvironmentVariable);
    private string baseFolder = null!;
    private string adapterFolder = null!;

    public Task InitializeAsync()
    {
        baseFolder = new TinyModelBuilder().Build(dir.File("tiny-base")).Folder;
        adapterFolder = new LoraAdapterBuilder()
            .WithIntruders("model.layers.0.self_attn.q_proj", 2)
            .WithAlignedUpdate("model.layers.1.self_attn.v_proj")
            .Build(baseFolder, dir.File("adapter"));
        return Task.CompletedTask;
    }

    public Task DisposeAsync()
    {
        foreach (var (name, value) in saved)
        {
            Environment.SetEnvironmentVariable(name, value);
        }

        return Task.CompletedTask;
    }

    // xunit calls Dispose after DisposeAsync: the folder goes last.
    public void Dispose() => dir.Dispose();

    [Fact]
    public async Task Analyze_BaseAndAdapterFromAzurite_CountsAsFromFoldersAndNamesTheUris()
    {
        await using var azurite = await AzuriteServer.StartNewAsync();
        var container = new BlobServiceClient(azurite.ConnectionString).GetBlobContainerClient("models");
        await container.CreateAsync();
        await UploadAsync(container, baseFolder, "bases/tiny");
        await UploadAsync(container, adapterFolder, "adapters/support-bot/v7");
        Environment.SetEnvironmentVariable("AZURE_STORAGE_CONNECTION_STRING", azurite.ConnectionString);
        var cache = dir.File("cache-az");

        var (code, stdout, stderr) = await CliRunner.RunAsync("analyze", "--base", "az://models/bases/tiny", "--adapter", "az://models/adapters/support-bot/v7",
            "--format", "json", "--device", "cpu", "--cache", cache);
        var (again, _, secondErr) = await CliRunner.RunAsync("analyze", "--base", "az://models/bases/tiny", "--adapter", "az://models/adapters/support-bot/v7",
            "--format", "json", "--device", "cpu", "--cache", cache);

        Assert.True(code == 0, stderr);
        using var report = JsonDocument.Parse(stdout);
        Assert.Equal(2, report.RootElement.GetProperty("totalIntruders").GetInt32());
        Assert.Equal("az://models/bases/tiny", report.RootElement.GetProperty("baseModel").GetString());
        Assert.Equal(["az://models/adapters/support-bot/v7"], report.RootElement.GetProperty("tuned").EnumerateArray().Select(e => e.GetString()));
        Assert.Contains("fetched az://models/bases/tiny", stderr);
        Assert.True(again == 0, secondErr);
        Assert.DoesNotContain("fetched", secondErr);
    }

    [Fact]
    public async Task Analyze_FromTheHub_SecondRunMakesOneApiCallPerModelAndDownloadsNothing()
    {
        await using var hub = HubStandIn.Start();
        var baseCommit = hub.AddRepository("org/tiny-base", baseFolder);
        hub.AddRepository("org/support-bot", adapterFolder, branch: "v7");
        Environment.SetEnvironmentVariable("HF_ENDPOINT", hub.Endpoint);
        var cache = dir.File("cache-hf");
        string[] args = ["analyze", "--base", "hf://org/tiny-base@main", "--adapter", "hf://org/support-bot@v7", "--format", "json", "--device", "cpu", "--cache", cache];

        var (code, stdout, stderr) = await CliRunner.RunAsync(args);
        var filesAfterFirst = hub.FileRequests;
        var apiAfterFirst = hub.ApiRequests;
        var (again, secondOut, secondErr) = await CliRunner.RunAsync(args);

        Assert.True(code == 0, stderr);
        Assert.True(again == 0, secondErr);
        Assert.Equal(Directory.GetFiles(baseFolder).Length + Directory.GetFiles(adapterFolder).Length, filesAfterFirst);
        Assert.Equal(filesAfterFirst, hub.FileRequests);
        Assert.Equal(apiAfterFirst + 2, hub.ApiRequests);
        using var first = JsonDocument.Parse(stdout);
        using var second = JsonDocument.Parse(secondOut);
        Assert.Equal(2, first.RootElement.GetProperty("totalIntruders").GetInt32());
        Assert.Equal(2, second.RootElement.GetProperty("totalIntruders").GetInt32());
        Assert.Equal("hf://org/tiny-base@main", first.RootElement.GetProperty("baseModel").GetString());
        Assert.Contains($"fetched hf://org/tiny-base@main → hf://org/tiny-base@{baseCommit}", stderr);
        Assert.Contains($"resolved hf://org/tiny-base@main → hf://org/tiny-base@{baseCommit} (cached)", secondErr);
    }

    [Fact]
    public async Task Analyze_HubRefusesTheToken_ExitsTwoWithOneLineNamingTheUriNotTheToken()
    {
        await using var hub = HubStandIn.Start();
        hub.AddRepository("org/tiny-base", baseFolder);
        hub.RequiredToken = "hf_the_right_one";
        Environment.SetEnvironmentVariable("HF_ENDPOINT", hub.Endpoint);
        Environment.SetEnvironmentVariable("HF_TOKEN", "hf_secret_wrong_token");

        var (code, _, stderr) = await CliRunner.RunAsync("analyze", "--base", "hf://org/tiny-base@main", "--adapter", adapterFolder, "--cache", dir.File("cache-401"));

        Assert.Equal(2, code);
        Assert.Single(stderr.Trim().Split('\n'));
        Assert.Contains("hf://org/tiny-base@main: 401 Unauthorized", stderr);
        Assert.DoesNotContain("hf_secret_wrong_token", stderr);
    }

    [Fact]
    public async Task Analyze_HubDownThroughEveryRetry_ExitsThreeWithOneLineAfterTheConfiguredRetries()
    {
        await using var hub = HubStandIn.Start();
        hub.AddRepository("org/tiny-base", baseFolder);
        hub.FailNext(1000);
        Environment.SetEnvironmentVariable("HF_ENDPOINT", hub.Endpoint);
        Environment.SetEnvironmentVariable("MODELGATE_Registries__MaxRetries", "2");
        Environment.SetEnvironmentVariable("MODELGATE_Registries__RetryDelay", "00:00:00.010");

        var (code, _, stderr) = await CliRunner.RunAsync("analyze", "--base", "hf://org/tiny-base@main", "--adapter", adapterFolder, "--cache", dir.File("cache-503"));

        Assert.Equal(3, code);
        Assert.Equal(3, hub.ApiRequests);
        var error = Assert.Single(stderr.Trim().Split('\n'), l => l.StartsWith("error:", StringComparison.Ordinal));
        Assert.Contains("hf://org/tiny-base@main: failed after retries", error);
        Assert.DoesNotContain("report it as a bug", stderr);
    }

    [Fact]
    public async Task Merge_SasUrlWithoutListPermission_ExitsTwoAndNeverPrintsTheSignature()
    {
        await using var azurite = await AzuriteServer.StartNewAsync();
        var container = new BlobServiceClient(azurite.ConnectionString).GetBlobContainerClient("models");
        await container.CreateAsync();
        await UploadAsync(container, baseFolder, "bases/tiny");
        var sas = container.GenerateSasUri(BlobContainerSasPermissions.Read, DateTimeOffset.UtcNow.AddHours(1));
        var signature = System.Web.HttpUtility.ParseQueryString(sas.Query)["sig"]!;

        var (code, stdout, stderr) = await CliRunner.RunAsync("merge", "--base", $"{container.Uri}/bases/tiny{sas.Query}", "--adapter", adapterFolder,
            "--output", dir.File("merged"), "--cache", dir.File("cache-sas"));

        Assert.Equal(2, code);
        Assert.Contains("403", stderr);
        Assert.Contains("sig=REDACTED", stderr);
        Assert.DoesNotContain(signature, stdout + stderr);
        Assert.DoesNotContain(Uri.EscapeDataString(signature), stdout + stderr);
    }

    [Fact]
    public async Task RegistryLs_Folder_ShowsReleasedVersionsWithVerdictsAndTheRestAsNotReleased()
    {
        var releases = dir.File("releases");
        Directory.CreateDirectory(Path.Combine(releases, "v1"));
        Directory.CreateDirectory(Path.Combine(releases, "v2"));
        File.WriteAllText(Path.Combine(releases, "v1", ReleaseMarker.FileName), new ReleaseMarker
        {
            Verdict = "pass",
            TotalIntruders = 3,
            Adapter = "az://models/adapters/support-bot/v1",
            ReleasedAt = new DateTimeOffset(2026, 11, 1, 12, 0, 0, TimeSpan.Zero),
            Tool = "ModelGate test",
            Files = [],
        }.ToJson());

        var (code, stdout, stderr) = await CliRunner.RunAsync("registry", "ls", releases);
        var (jsonCode, json, _) = await CliRunner.RunAsync("registry", "ls", releases, "--json");

        Assert.True(code == 0, stderr);
        Assert.Matches(@"v1\s*│\s*pass\s*│\s*3\s*│\s*2026-11-01 12:00:00", stdout);
        Assert.Matches(@"v2\s*│\s*not released", stdout);
        Assert.Contains("2 versions, 1 released", stdout);
        Assert.Equal(0, jsonCode);
        using var doc = JsonDocument.Parse(json);
        Assert.Equal([true, false], doc.RootElement.EnumerateArray().Select(v => v.GetProperty("released").GetBoolean()));
    }

    [Fact]
    public async Task RegistryLs_Hub_ListsBranchesWithCommits()
    {
        await using var hub = HubStandIn.Start();
        var commit = hub.AddRepository("org/support-bot", adapterFolder, branch: "v7");
        Environment.SetEnvironmentVariable("HF_ENDPOINT", hub.Endpoint);

        var (code, stdout, stderr) = await CliRunner.RunAsync("registry", "ls", "hf://org/support-bot");

        Assert.True(code == 0, stderr);
        Assert.Contains("v7", stdout);
        Assert.Contains(commit, stdout);
    }

    [Fact]
    public async Task Gate_FromAzuriteWithPromote_PassWritesACompleteReleaseThatRegistryLsShows()
    {
        await using var azurite = await AzuriteServer.StartNewAsync();
        var container = new BlobServiceClient(azurite.ConnectionString).GetBlobContainerClient("models");
        await container.CreateAsync();
        var clean = new LoraAdapterBuilder().WithAlignedUpdate("model.layers.0.self_attn.q_proj").Build(baseFolder, dir.File("clean"));
        await UploadAsync(container, baseFolder, "bases/tiny");
        await UploadAsync(container, clean, "adapters/support-bot/v7");
        Environment.SetEnvironmentVariable("AZURE_STORAGE_CONNECTION_STRING", azurite.ConnectionString);
        var verdict = dir.File("verdict.json");

        var (code, _, stderr) = await CliRunner.RunAsync("gate", "--base", "az://models/bases/tiny", "--adapter", "az://models/adapters/support-bot/v7",
            "--promote", "az://models/released/support-bot", "--json", verdict, "--device", "cpu", "--cache", dir.File("cache-gate"));

        Assert.True(code == 0, stderr);
        Assert.Contains("released as az://models/released/support-bot/v7 (pass, 0 intruders)", stderr);
        using var json = JsonDocument.Parse(File.ReadAllText(verdict));
        Assert.Equal("az://models/bases/tiny", json.RootElement.GetProperty("run").GetProperty("base").GetString());
        Assert.Equal("az://models/bases/tiny", json.RootElement.GetProperty("analysis").GetProperty("baseModel").GetString());
        var names = new List<string>();
        await foreach (var blob in container.GetBlobsAsync(new Azure.Storage.Blobs.Models.GetBlobsOptions { Prefix = "released/support-bot/v7/" }))
        {
            names.Add(blob.Name["released/support-bot/v7/".Length..]);
        }

        Assert.Equal([.. Directory.GetFiles(clean).Select(Path.GetFileName).Append("_RELEASED.json").Append("report.md").Append("verdict.json").Order(StringComparer.Ordinal)], names.Order(StringComparer.Ordinal));
        var released = (await container.GetBlobClient("released/support-bot/v7/verdict.json").DownloadContentAsync()).Value.Content.ToString();
        Assert.Equal("pass", JsonDocument.Parse(released).RootElement.GetProperty("verdict").GetString());
        var (lsCode, ls, lsErr) = await CliRunner.RunAsync("registry", "ls", "az://models/released/support-bot");
        Assert.True(lsCode == 0, lsErr);
        Assert.Matches(@"v7\s*│\s*pass\s*│\s*0", ls);

        var (again, _, againErr) = await CliRunner.RunAsync("gate", "--base", "az://models/bases/tiny", "--adapter", "az://models/adapters/support-bot/v7",
            "--promote", "az://models/released/support-bot", "--device", "cpu", "--cache", dir.File("cache-gate"));
        Assert.Equal(2, again);
        Assert.Contains("already released", againErr);
    }

    [Fact]
    public async Task Gate_FromTheHubFailing_PromotesNothing()
    {
        await using var hub = HubStandIn.Start();
        hub.AddRepository("org/tiny-base", baseFolder);
        hub.AddRepository("org/support-bot", adapterFolder, branch: "v7");
        Environment.SetEnvironmentVariable("HF_ENDPOINT", hub.Endpoint);
        var releases = dir.File("releases");

        var (code, stdout, stderr) = await CliRunner.RunAsync("gate", "--base", "hf://org/tiny-base@main", "--adapter", "hf://org/support-bot@v7",
            "--fail-on", "warn", "--promote", releases, "--device", "cpu", "--cache", dir.File("cache-gate-hf"));

        Assert.True(code == 1, stdout + stderr);
        Assert.Contains("not promoted", stderr);
        Assert.False(Directory.Exists(Path.Combine(releases, "v7")));
    }

    [Fact]
    public async Task Gate_FromTheHub_VerdictAndReportCarryEachModelsPinnedCommitAndHash()
    {
        await using var hub = HubStandIn.Start();
        var baseCommit = hub.AddRepository("org/tiny-base", baseFolder);
        var adapterCommit = hub.AddRepository("org/support-bot", adapterFolder, branch: "v7");
        Environment.SetEnvironmentVariable("HF_ENDPOINT", hub.Endpoint);
        var (verdict, report) = (dir.File("pinned.verdict.json"), dir.File("pinned.md"));

        var (code, stdout, stderr) = await CliRunner.RunAsync("gate", "--base", "hf://org/tiny-base@main", "--adapter", "hf://org/support-bot@v7",
            "--fail-on", "never", "--json", verdict, "--report", report, "--device", "cpu", "--cache", dir.File("cache-gate-pinned"));

        Assert.True(code == 0, stdout + stderr);
        using var json = JsonDocument.Parse(File.ReadAllText(verdict));
        var run = json.RootElement.GetProperty("run");
        var baseModel = run.GetProperty("baseModel");
        Assert.Equal("hf://org/tiny-base@main", baseModel.GetProperty("reference").GetString());
        Assert.Equal($"hf://org/tiny-base@{baseCommit}", baseModel.GetProperty("revision").GetString());
        Assert.Equal(run.GetProperty("baseWeights").GetProperty("sha256").GetString(), baseModel.GetProperty("sha256").GetString());
        var adapter = Assert.Single(run.GetProperty("adapterModels").EnumerateArray());
        Assert.Equal("hf://org/support-bot@v7", adapter.GetProperty("reference").GetString());
        Assert.Equal($"hf://org/support-bot@{adapterCommit}", adapter.GetProperty("revision").GetString());
        Assert.Contains($"`hf://org/tiny-base@main` at `hf://org/tiny-base@{baseCommit}`", File.ReadAllText(report));
    }

    private static async Task UploadAsync(BlobContainerClient container, string folder, string prefix)
    {
        foreach (var file in Directory.GetFiles(folder))
        {
            await container.GetBlobClient($"{prefix}/{Path.GetFileName(file)}").UploadAsync(file, overwrite: true);
        }
    }
}
