using System.Buffers.Binary;
using System.Text.Json;
using System.Text.Json.Nodes;
using Azure.Storage.Blobs;
using ModelGate.Core.Adapters;
using ModelGate.Core.Tensors;
using ModelGate.Demo;
using ModelGate.Testing;
using ModelGate.Testing.Registries;
using ModelGate.Testing.Tensors;

namespace ModelGate.Cli.Tests;

/// <summary>precompute --publish and --spectra: spectra published once next to the base, bases streamed per run.</summary>
[Collection(RegistryEnvironmentCollection.Name)]
[Trait("Category", "Integration")]
public sealed class PublishedSpectraTests : IDisposable
{
    private static readonly string[] Touched = ["model.layers.0.self_attn.q_proj.weight", "model.layers.1.self_attn.v_proj.weight"];
    private readonly TempDirectory dir = new();
    private readonly string? savedConnection = Environment.GetEnvironmentVariable("AZURE_STORAGE_CONNECTION_STRING");
    private readonly string baseFolder;
    private readonly string adapterFolder;

    public PublishedSpectraTests()
    {
        // Sharded, so that streaming reads an index and then each shard's header before any tensor.
        baseFolder = new TinyModelBuilder { Layers = 4, Shards = 2 }.Build(dir.File("tiny-base")).Folder;
        adapterFolder = new LoraAdapterBuilder()
            .WithIntruders("model.layers.0.self_attn.q_proj", 2)
            .WithAlignedUpdate("model.layers.1.self_attn.v_proj")
            .Build(baseFolder, dir.File("adapter"));
    }

    public void Dispose()
    {
        Environment.SetEnvironmentVariable("AZURE_STORAGE_CONNECTION_STRING", savedConnection);
        dir.Dispose();
    }

    [Fact]
    public async Task Analyze_BaseAndSpectraFromAzurite_FetchesHeadersTouchedTensorsAndTheirEntriesOnlyAndCountsAsFullSvd()
    {
        await using var azurite = await AzuriteServer.StartNewAsync();
        var container = new BlobServiceClient(azurite.ConnectionString).GetBlobContainerClient("models");
        await container.CreateAsync();
        await UploadAsync(container, baseFolder, "bases/tiny");
        await UploadAsync(container, adapterFolder, "adapters/support-bot/v7");
        Environment.SetEnvironmentVariable("AZURE_STORAGE_CONNECTION_STRING", azurite.ConnectionString);

        var (publishCode, published, publishErr) = await CliRunner.RunAsync("precompute", "--base", "az://models/bases/tiny",
            "--publish", "az://models/spectra/tiny", "--device", "cpu", "--cache", dir.File("publisher-cache"));
        var manifestTag = (await container.GetBlobClient("spectra/tiny/manifest.json").GetPropertiesAsync()).Value.ETag;
        var (rerunCode, republished, rerunErr) = await CliRunner.RunAsync("precompute", "--base", "az://models/bases/tiny",
            "--publish", "az://models/spectra/tiny", "--device", "cpu", "--cache", dir.File("publisher-cache"));
        var runnerCache = dir.File("runner-cache");
        var (code, stdout, stderr) = await CliRunner.RunAsync("analyze", "--base", "az://models/bases/tiny", "--adapter", "az://models/adapters/support-bot/v7",
            "--spectra", "az://models/spectra/tiny", "--format", "json", "--device", "cpu", "--cache", runnerCache);
        var (fullCode, fullOut, fullErr) = await CliRunner.RunAsync("analyze", "--base", baseFolder, "--adapter", adapterFolder,
            "--method", "full-svd", "--format", "json", "--device", "cpu");

        Assert.True(publishCode == 0, publishErr);
        Assert.Contains(", 0 already there", published);
        Assert.True(rerunCode == 0, rerunErr);
        Assert.Contains(": 0 uploaded (0 bytes)", republished);
        Assert.Equal(manifestTag, (await container.GetBlobClient("spectra/tiny/manifest.json").GetPropertiesAsync()).Value.ETag);
        Assert.True(code == 0, stderr);
        Assert.True(fullCode == 0, fullErr);
        using var report = JsonDocument.Parse(stdout);
        using var full = JsonDocument.Parse(fullOut);
        Assert.Equal(Counts(full), Counts(report));
        Assert.Equal(2, report.RootElement.GetProperty("totalIntruders").GetInt32());
        Assert.Equal(2, report.RootElement.GetProperty("spectraFetched").GetInt32());
        Assert.Equal(0, report.RootElement.GetProperty("cacheMisses").GetInt32());

        // Exactly: the config and index, each shard's length prefix and header, the two tensors the adapter touches, their two entries.
        using var manifest = JsonDocument.Parse((await container.GetBlobClient("spectra/tiny/manifest.json").DownloadContentAsync()).Value.Content.ToString());
        using var weights = ModelWeights.Open(baseFolder);
        var smallFiles = new FileInfo(Path.Combine(baseFolder, "config.json")).Length + new FileInfo(Path.Combine(baseFolder, "model.safetensors.index.json")).Length;
        var headers = weights.ShardFiles.Sum(f => 8 + HeaderLength(Path.Combine(baseFolder, f)));
        var tensors = Touched.Sum(n => weights.Get(n).ByteLength);
        var entries = Touched.Sum(n => EntryBytes(manifest, n));
        var baseBytes = new DirectoryInfo(baseFolder).GetFiles().Sum(f => f.Length);
        Assert.Equal(smallFiles + headers + tensors + entries, report.RootElement.GetProperty("bytesFetched").GetInt64());
        Assert.True(tensors + entries < baseBytes / 4, $"the touched tensors and entries ({tensors + entries} bytes) should be a small part of the {baseBytes}-byte base");
        var cacheBytes = new DirectoryInfo(runnerCache).GetFiles("*", SearchOption.AllDirectories).Sum(f => f.Length);
        Assert.True(cacheBytes < baseBytes / 4, $"the runner's cache holds {cacheBytes} bytes; the base is {baseBytes}");
    }

    [Fact]
    public async Task Gate_StreamedBaseFileItsPublisherScanned_IsNotFetchedToBeScannedAgain_UnlessTheManifestLacksIt()
    {
        var spectra = dir.File("spectra");
        var (publishCode, _, publishErr) = await CliRunner.RunAsync("precompute", "--base", baseFolder, "--publish", spectra, "--device", "cpu", "--cache", dir.File("publisher-cache"));
        // The registry's copy of the base gets a NaN after the publisher scanned it, in a tensor the adapter does not touch:
        // a gate that fetched the file to scan it would find it; one that trusts the manifest's record does not.
        var served = CopyOfBase("served-base");

        const string Untouched = "model.layers.3.mlp.up_proj.weight";
        string shard;
        using (var weights = ModelWeights.Open(served))
        {
            shard = Path.Combine(served, weights.ShardOf(Untouched));
        }

        PlantedValue.Write(shard, Untouched, 5, float.NaN);
        await using var azurite = await AzuriteServer.StartNewAsync();
        var container = new BlobServiceClient(azurite.ConnectionString).GetBlobContainerClient("models");
        await container.CreateAsync();
        await UploadAsync(container, served, "bases/tiny");
        Environment.SetEnvironmentVariable("AZURE_STORAGE_CONNECTION_STRING", azurite.ConnectionString);
        string[] gate = ["gate", "--base", "az://models/bases/tiny", "--adapter", adapterFolder, "--spectra", spectra, "--device", "cpu", "--cache", dir.File("runner-cache")];

        var (trustedCode, trustedOut, trustedErr) = await CliRunner.RunAsync(gate);
        var manifestPath = Path.Combine(spectra, "manifest.json");
        var manifest = JsonNode.Parse(await File.ReadAllTextAsync(manifestPath))!.AsObject();
        Assert.Equal(2, manifest["base_files"]!.AsObject().Count);
        manifest.Remove("base_files");
        await File.WriteAllTextAsync(manifestPath, manifest.ToJsonString());
        var (scannedCode, _, scannedErr) = await CliRunner.RunAsync(gate);

        Assert.True(publishCode == 0, publishErr);
        Assert.True(trustedCode is 0 or 1, $"exit {trustedCode}\n{trustedOut}\n{trustedErr}");
        Assert.DoesNotContain("NaN", trustedErr);
        Assert.Equal(2, scannedCode);
        Assert.Contains($"tensor \"{Untouched}\" has NaN at element 5", scannedErr);
    }

    [Fact]
    public async Task Precompute_PublishFromAFloat32Cache_PublishesFloat16EntriesAndLeavesTheCacheAsItWas()
    {
        var cache = dir.File("cache");
        var spectra = dir.File("spectra");
        var (computeCode, _, computeErr) = await CliRunner.RunAsync("precompute", "--base", baseFolder, "--device", "cpu", "--cache", cache);
        var cached = Directory.GetFiles(cache, "*.safetensors", SearchOption.AllDirectories).ToDictionary(f => Path.GetFileName(f), File.ReadAllBytes);

        var (code, stdout, stderr) = await CliRunner.RunAsync("precompute", "--base", baseFolder, "--publish", spectra, "--device", "cpu", "--cache", cache);

        Assert.True(computeCode == 0, computeErr);
        Assert.True(code == 0, stderr);
        Assert.Contains("0 computed", stdout);
        using var manifest = JsonDocument.Parse(await File.ReadAllTextAsync(Path.Combine(spectra, "manifest.json")));
        var entries = manifest.RootElement.GetProperty("entries").EnumerateObject().ToList();
        Assert.NotEmpty(entries);
        Assert.All(entries, e => Assert.Equal("F16", e.Value.GetProperty("precision").GetString()));
        foreach (var (name, bytes) in cached)
        {
            Assert.True(new FileInfo(Path.Combine(spectra, name)).Length < bytes.Length * 0.6, $"{name} was published as stored (F32)");
            Assert.Equal(bytes, await File.ReadAllBytesAsync(Directory.GetFiles(cache, name, SearchOption.AllDirectories).Single()));
        }
    }

    [Fact]
    public async Task Precompute_FourShardsAsConcurrentProcesses_PublishEveryEntryOnceUnderOneManifestAndARerunUploadsNothing()
    {
        await using var azurite = await AzuriteServer.StartNewAsync();
        var container = new BlobServiceClient(azurite.ConnectionString).GetBlobContainerClient("models");
        await container.CreateAsync();
        await UploadAsync(container, baseFolder, "bases/tiny");
        Environment.SetEnvironmentVariable("AZURE_STORAGE_CONNECTION_STRING", azurite.ConnectionString);
        var environment = new Dictionary<string, string> { ["AZURE_STORAGE_CONNECTION_STRING"] = azurite.ConnectionString };

        // Four jobs of a matrix, each with its own runner's cache, all merging into one manifest at about the same time.
        var jobs = Enumerable.Range(1, 4).Select(k => CliProcess.Start(dir.Path, environment, "precompute", "--base", "az://models/bases/tiny",
            "--publish", "az://models/spectra/tiny", "--shard", $"{k}/4", "--device", "cpu", "--cache", dir.File($"job-{k}-cache"))).ToList();
        var codes = await Task.WhenAll(jobs.Select(j => j.WaitForExitAsync(TimeSpan.FromMinutes(3))));
        var errors = jobs.Select(j => j.Error).ToList();
        jobs.ForEach(j => j.Dispose());
        var (rerunCode, rerun, rerunErr) = await CliRunner.RunAsync("precompute", "--base", "az://models/bases/tiny", "--publish", "az://models/spectra/tiny",
            "--shard", "3/4", "--device", "cpu", "--cache", dir.File("job-3-cache"));

        // An adapter on every linear weight reads every published entry; an empty cache makes each one come from the registry.
        using var weights = ModelWeights.Open(baseFolder);
        var linear = weights.Tensors.Where(LinearWeights.IsLinear).Select(t => t.Name).ToList();
        var everything = linear.Aggregate(new LoraAdapterBuilder(), (b, name) => b.WithAlignedUpdate(name[..^".weight".Length])).Build(baseFolder, dir.File("all-linear"));
        var (code, stdout, stderr) = await CliRunner.RunAsync("analyze", "--base", "az://models/bases/tiny", "--adapter", everything,
            "--spectra", "az://models/spectra/tiny", "--format", "json", "--device", "cpu", "--cache", dir.File("runner-cache"));

        for (var k = 0; k < 4; k++)
        {
            Assert.True(codes[k] == 0, $"shard {k + 1}/4 exited {codes[k]}:\n{errors[k]}");
        }

        Assert.True(rerunCode == 0, rerunErr);
        Assert.Contains(": 0 uploaded (0 bytes)", rerun);
        using var manifest = JsonDocument.Parse((await container.GetBlobClient("spectra/tiny/manifest.json").DownloadContentAsync()).Value.Content.ToString());
        Assert.Equal(linear.Order(StringComparer.Ordinal), manifest.RootElement.GetProperty("tensors").EnumerateObject().Select(t => t.Name));
        Assert.Equal(weights.ShardFiles, manifest.RootElement.GetProperty("base_files").EnumerateObject().Select(f => f.Name));
        Assert.True(code == 0, stderr);
        using var report = JsonDocument.Parse(stdout);
        Assert.Equal(linear.Count, report.RootElement.GetProperty("spectraFetched").GetInt32());
        Assert.Equal(0, report.RootElement.GetProperty("cacheMisses").GetInt32());
        Assert.DoesNotContain(report.RootElement.GetProperty("warnings").EnumerateArray(), w => w.GetString()!.Contains("refused", StringComparison.Ordinal));
    }

    [Fact]
    public async Task Gate_AnalysisPartsOfAStreamedBaseWithItsSpectra_TakesTheKeysFromTheManifestInsteadOfFetchingTheMatrices()
    {
        var spectra = dir.File("spectra");
        var (publishCode, _, publishErr) = await CliRunner.RunAsync("precompute", "--base", baseFolder, "--publish", spectra, "--device", "cpu", "--cache", dir.File("publisher-cache"));
        await using var azurite = await AzuriteServer.StartNewAsync();
        var container = new BlobServiceClient(azurite.ConnectionString).GetBlobContainerClient("models");
        await container.CreateAsync();
        await UploadAsync(container, baseFolder, "bases/tiny");
        Environment.SetEnvironmentVariable("AZURE_STORAGE_CONNECTION_STRING", azurite.ConnectionString);
        var parts = new List<string>();
        for (var k = 1; k <= 2; k++)
        {
            parts.Add(dir.File($"part-{k}.json"));
            var (partCode, _, partErr) = await CliRunner.RunAsync("analyze", "--base", "az://models/bases/tiny", "--adapter", adapterFolder, "--spectra", spectra,
                "--shard", $"{k}/2", "--format", "json", "--output", parts[^1], "--device", "cpu", "--cache", dir.File($"job-{k}-cache"));
            Assert.True(partCode == 0, partErr);
        }

        // The registry's copy of an analysed matrix changes after the parts were made, keeping its file's layout: a final
        // job that fetched and hashed the matrix would refuse the parts; one that takes the manifest's key does not.
        var served = CopyOfBase("served-base");

        using (var weights = ModelWeights.Open(served))
        {
            PlantedValue.Write(Path.Combine(served, weights.ShardOf(Touched[0])), Touched[0], 3, 0.25f);
        }

        await UploadAsync(container, served, "bases/tiny");
        string[] gate = ["gate", "--base", "az://models/bases/tiny", "--adapter", adapterFolder, .. parts.SelectMany(p => new[] { "--analysis", p }), "--device", "cpu", "--cache", dir.File("final-cache")];

        var (trustedCode, trustedOut, trustedErr) = await CliRunner.RunAsync([.. gate, "--spectra", spectra]);
        var (fetchedCode, _, fetchedErr) = await CliRunner.RunAsync(gate);

        Assert.True(publishCode == 0, publishErr);
        Assert.True(trustedCode is 0 or 1, $"exit {trustedCode}\n{trustedOut}\n{trustedErr}");
        Assert.Equal(2, fetchedCode);
        Assert.Contains($"\"{Touched[0]}\" was computed from another base", fetchedErr);
    }

    [Fact]
    public async Task Analyze_RegistryBaseLargerThanTheCachesShareOfFreeDisk_IsStreamedNotMirroredWithoutSpectra()
    {
        await using var azurite = await AzuriteServer.StartNewAsync();
        var container = new BlobServiceClient(azurite.ConnectionString).GetBlobContainerClient("models");
        await container.CreateAsync();
        await UploadAsync(container, baseFolder, "bases/tiny");
        Environment.SetEnvironmentVariable("AZURE_STORAGE_CONNECTION_STRING", azurite.ConnectionString);
        // A share of 0 makes any base "too large for this disk", as a 15 GB base is on a runner with 14 GB free.
        var savedShare = Environment.GetEnvironmentVariable("MODELGATE_Registries__StreamAboveShareOfFreeDisk");
        Environment.SetEnvironmentVariable("MODELGATE_Registries__StreamAboveShareOfFreeDisk", "0");
        var runnerCache = dir.File("runner-cache");
        int code;
        string stdout, stderr;
        try
        {
            (code, stdout, stderr) = await CliRunner.RunAsync("analyze", "--base", "az://models/bases/tiny", "--adapter", adapterFolder,
                "--format", "json", "--device", "cpu", "--cache", runnerCache);
        }
        finally
        {
            Environment.SetEnvironmentVariable("MODELGATE_Registries__StreamAboveShareOfFreeDisk", savedShare);
        }

        Assert.True(code == 0, stderr);
        using var report = JsonDocument.Parse(stdout);
        Assert.Equal(2, report.RootElement.GetProperty("totalIntruders").GetInt32());
        using var weights = ModelWeights.Open(baseFolder);
        var smallFiles = new FileInfo(Path.Combine(baseFolder, "config.json")).Length + new FileInfo(Path.Combine(baseFolder, "model.safetensors.index.json")).Length;
        var headers = weights.ShardFiles.Sum(f => 8 + HeaderLength(Path.Combine(baseFolder, f)));
        Assert.Equal(smallFiles + headers + Touched.Sum(n => weights.Get(n).ByteLength), report.RootElement.GetProperty("bytesFetched").GetInt64());
        Assert.DoesNotContain(Directory.GetFiles(runnerCache, "*", SearchOption.AllDirectories), f => new FileInfo(f).Length >= weights.Get(Touched[0]).ByteLength && !f.Contains($"{Path.DirectorySeparatorChar}spectra{Path.DirectorySeparatorChar}", StringComparison.Ordinal));
    }

    [Fact]
    public async Task Analyze_PublishedEntryDamaged_RefusesItComputesLocallyAndSaysSo()
    {
        var spectra = dir.File("spectra");
        var (publishCode, _, publishErr) = await CliRunner.RunAsync("precompute", "--base", baseFolder, "--publish", spectra, "--device", "cpu", "--cache", dir.File("publisher-cache"));
        using (var manifest = JsonDocument.Parse(await File.ReadAllTextAsync(Path.Combine(spectra, "manifest.json"))))
        {
            var entry = Path.Combine(spectra, manifest.RootElement.GetProperty("tensors").GetProperty(Touched[0]).GetProperty("key").GetString() + ".safetensors");
            var bytes = await File.ReadAllBytesAsync(entry);
            bytes[^10] ^= 0x40;
            await File.WriteAllBytesAsync(entry, bytes);
        }

        var (code, stdout, stderr) = await CliRunner.RunAsync("analyze", "--base", baseFolder, "--adapter", adapterFolder, "--spectra", spectra,
            "--format", "json", "--device", "cpu", "--cache", dir.File("runner-cache"));

        Assert.True(publishCode == 0, publishErr);
        Assert.True(code == 0, stderr);
        using var report = JsonDocument.Parse(stdout);
        Assert.Equal(2, report.RootElement.GetProperty("totalIntruders").GetInt32());
        Assert.Equal(1, report.RootElement.GetProperty("spectraFetched").GetInt32());
        Assert.Equal(1, report.RootElement.GetProperty("cacheMisses").GetInt32());
        Assert.Contains(report.RootElement.GetProperty("warnings").EnumerateArray(), w => w.GetString()!.Contains("published spectrum refused (data checksum does not match", StringComparison.Ordinal));
    }

    [Fact]
    public async Task Precompute_PublishToTheHub_ExitsTwoBeforeComputingAnything()
    {
        var cache = dir.File("cache");

        var (code, _, stderr) = await CliRunner.RunAsync("precompute", "--base", baseFolder, "--publish", "hf://org/tiny-spectra", "--device", "cpu", "--cache", cache);

        Assert.Equal(2, code);
        Assert.Contains("error: --publish hf://org/tiny-spectra: hf:// is read-only here", stderr);
        Assert.False(Directory.Exists(Path.Combine(cache, "spectra")));
    }

    private static Dictionary<string, int> Counts(JsonDocument report) =>
        report.RootElement.GetProperty("modules").EnumerateArray().ToDictionary(m => m.GetProperty("name").GetString()!, m => m.GetProperty("intruders").GetInt32());

    private static long HeaderLength(string path)
    {
        using var stream = File.OpenRead(path);
        Span<byte> prefix = stackalloc byte[8];
        stream.ReadExactly(prefix);
        return (long)BinaryPrimitives.ReadUInt64LittleEndian(prefix);
    }

    private static long EntryBytes(JsonDocument manifest, string tensor)
    {
        var key = manifest.RootElement.GetProperty("tensors").GetProperty(tensor).GetProperty("key").GetString()!;
        return manifest.RootElement.GetProperty("entries").GetProperty(key).GetProperty("bytes").GetInt64();
    }

    private string CopyOfBase(string name)
    {
        var copy = dir.File(name);
        Directory.CreateDirectory(copy);
        foreach (var file in Directory.GetFiles(baseFolder))
        {
            File.Copy(file, Path.Combine(copy, Path.GetFileName(file)));
        }

        return copy;
    }

    private static async Task UploadAsync(BlobContainerClient container, string folder, string prefix)
    {
        foreach (var file in Directory.GetFiles(folder))
        {
            await container.GetBlobClient($"{prefix}/{Path.GetFileName(file)}").UploadAsync(file, overwrite: true);
        }
    }
}
