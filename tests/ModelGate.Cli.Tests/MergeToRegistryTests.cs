using Azure.Storage.Blobs;
using ModelGate.Core.Registries;
using ModelGate.Demo;
using ModelGate.Testing;
using ModelGate.Testing.Registries;

namespace ModelGate.Cli.Tests;

/// <summary>merge --output to a registry: the merged model released file by file, its marker last.</summary>
[Collection(RegistryEnvironmentCollection.Name)]
[Trait("Category", "Integration")]
public sealed class MergeToRegistryTests : IDisposable
{
    private readonly TempDirectory dir = new();
    private readonly string? savedConnection = Environment.GetEnvironmentVariable("AZURE_STORAGE_CONNECTION_STRING");
    private readonly string baseFolder;
    private readonly string adapterFolder;

    public MergeToRegistryTests()
    {
        baseFolder = new TinyModelBuilder { Layers = 4, Shards = 3 }.Build(dir.File("tiny-base")).Folder;
        adapterFolder = new LoraAdapterBuilder()
            .WithIntruders("model.layers.0.self_attn.q_proj", 2)
            .WithAlignedUpdate("model.layers.3.mlp.down_proj")
            .Build(baseFolder, dir.File("adapter"));
    }

    public void Dispose()
    {
        Environment.SetEnvironmentVariable("AZURE_STORAGE_CONNECTION_STRING", savedConnection);
        dir.Dispose();
    }

    [Fact]
    public async Task Merge_FromAzuriteToAzurite_ReleasesTheLocalMergesBytesAndReportsWhatItUploaded()
    {
        await using var azurite = await AzuriteServer.StartNewAsync();
        var container = new BlobServiceClient(azurite.ConnectionString).GetBlobContainerClient("models");
        await container.CreateAsync();
        foreach (var (folder, prefix) in new[] { (baseFolder, "bases/tiny"), (adapterFolder, "adapters/bot/v7") })
        {
            foreach (var file in Directory.GetFiles(folder))
            {
                await container.GetBlobClient($"{prefix}/{Path.GetFileName(file)}").UploadAsync(file);
            }
        }

        Environment.SetEnvironmentVariable("AZURE_STORAGE_CONNECTION_STRING", azurite.ConnectionString);

        var (code, stdout, stderr) = await CliRunner.RunAsync("merge", "--base", "az://models/bases/tiny", "--adapter", "az://models/adapters/bot/v7",
            "--output", "az://models/merged/bot-v7", "--device", "cpu", "--cache", dir.File("cache"));
        var (localCode, _, localErr) = await CliRunner.RunAsync("merge", "--base", baseFolder, "--adapter", adapterFolder, "--output", dir.File("local"), "--device", "cpu");

        Assert.True(code == 0, stderr);
        Assert.True(localCode == 0, localErr);
        var local = Directory.GetFiles(dir.File("local")).ToDictionary(f => Path.GetFileName(f), File.ReadAllBytes);
        Assert.Equal(6, local.Count); // config, generation config, three shards, the index
        var released = new Dictionary<string, byte[]>();
        await foreach (var blob in container.GetBlobsAsync(new Azure.Storage.Blobs.Models.GetBlobsOptions { Prefix = "merged/bot-v7/" }))
        {
            released[blob.Name["merged/bot-v7/".Length..]] = (await container.GetBlobClient(blob.Name).DownloadContentAsync()).Value.Content.ToArray();
        }

        var marker = ReleaseMarker.TryParse(System.Text.Encoding.UTF8.GetString(released[ReleaseMarker.FileName]));
        Assert.NotNull(marker);
        Assert.Null(marker.Verdict);
        Assert.Equal("az://models/adapters/bot/v7", marker.Adapter);
        Assert.Equal(local.Keys.Order(), marker.Files.Select(f => f.Path).Order());
        released.Remove(ReleaseMarker.FileName);
        Assert.Equal(local.Keys.Order(), released.Keys.Order());
        foreach (var (name, bytes) in local)
        {
            Assert.True(bytes.AsSpan().SequenceEqual(released[name]), $"{name} differs from the local merge's");
        }

        var bytesUploaded = local.Values.Sum(b => (long)b.Length);
        Assert.Contains("merged 2 of ", stdout);
        Assert.Contains($"into az://models/merged/bot-v7 (3 shards); uploaded 6 files ({bytesUploaded} bytes), 0 already there", stdout);
    }

    [Fact]
    public async Task Merge_OutputOnTheHub_ExitsTwoBeforeMerging()
    {
        var cache = dir.File("cache");

        var (code, stdout, stderr) = await CliRunner.RunAsync("merge", "--base", baseFolder, "--adapter", adapterFolder, "--output", "hf://org/merged",
            "--device", "cpu", "--cache", cache);

        Assert.Equal(2, code);
        Assert.Equal("error: --output hf://org/merged: hf:// is read-only here; write the merged model to az://, an https blob URL, file:// or a folder", stderr.Trim());
        Assert.Empty(stdout);
        Assert.False(Directory.Exists(cache));
    }

    [Fact]
    public async Task Merge_IntoAFinishedRelease_ExitsTwoUnlessForcedThenReplacesIt()
    {
        var release = dir.File("releases/merged");
        var other = new LoraAdapterBuilder().WithAlignedUpdate("model.layers.1.self_attn.v_proj").Build(baseFolder, dir.File("other-adapter"));

        var (firstCode, _, firstErr) = await CliRunner.RunAsync("merge", "--base", baseFolder, "--adapter", adapterFolder, "--output", "file://" + release, "--device", "cpu");
        var first = Directory.GetFiles(release).ToDictionary(f => Path.GetFileName(f), File.ReadAllBytes);
        var (againCode, againOut, againErr) = await CliRunner.RunAsync("merge", "--base", baseFolder, "--adapter", other, "--output", "file://" + release, "--device", "cpu");
        var (forcedCode, forcedOut, forcedErr) = await CliRunner.RunAsync("merge", "--base", baseFolder, "--adapter", other, "--output", "file://" + release, "--device", "cpu", "--force");
        var (localCode, _, localErr) = await CliRunner.RunAsync("merge", "--base", baseFolder, "--adapter", other, "--output", dir.File("local"), "--device", "cpu");

        Assert.True(firstCode == 0, firstErr);
        Assert.Equal(2, againCode);
        Assert.Empty(againOut);
        Assert.StartsWith($"error: --output file://{release}: already released (not gated, ", againErr.Trim());
        Assert.True(forcedCode == 0, forcedErr);
        Assert.True(localCode == 0, localErr);
        var local = Directory.GetFiles(dir.File("local")).ToDictionary(f => Path.GetFileName(f), File.ReadAllBytes);
        var same = local.Count(f => f.Value.AsSpan().SequenceEqual(first[f.Key]));
        Assert.InRange(same, 2, local.Count - 1); // the config files at least; the shards the other adapter changes differ
        Assert.Contains($"; uploaded {local.Count - same} files ({local.Where(f => !f.Value.AsSpan().SequenceEqual(first[f.Key])).Sum(f => (long)f.Value.Length)} bytes), {same} already there", forcedOut);
        var marker = ReleaseMarker.TryParse(File.ReadAllText(Path.Combine(release, ReleaseMarker.FileName)));
        Assert.Equal(other, marker?.Adapter);
        foreach (var (name, bytes) in local)
        {
            Assert.Equal(bytes, File.ReadAllBytes(Path.Combine(release, name)));
        }
    }
}
