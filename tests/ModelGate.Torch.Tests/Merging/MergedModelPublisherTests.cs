using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging.Abstractions;
using ModelGate.Core.Adapters;
using ModelGate.Core.Registries;
using ModelGate.Core.Registries.Local;
using ModelGate.Demo;
using ModelGate.Testing;
using ModelGate.Testing.Registries;
using ModelGate.Torch.Merging;

namespace ModelGate.Torch.Tests.Merging;

public sealed class MergedModelPublisherTests : IDisposable
{
    private readonly TempDirectory dir = new();
    private readonly string baseFolder;
    private readonly string adapterFolder;

    public MergedModelPublisherTests()
    {
        baseFolder = new TinyModelBuilder { Layers = 4, Shards = 3 }.Build(dir.File("base")).Folder;
        adapterFolder = new LoraAdapterBuilder()
            .WithIntruders("model.layers.0.self_attn.q_proj", 2)
            .WithAlignedUpdate("model.layers.3.mlp.down_proj")
            .Build(baseFolder, dir.File("adapter"));
    }

    public void Dispose() => dir.Dispose();

    [Fact]
    public async Task PublishAsync_UploadFailsAfterTheFirstShard_LeavesNoMarkerAndTheRerunCompletesIt()
    {
        var uploads = new Uploads { FailAfter = 3 }; // config.json, generation_config.json, the first shard
        using var host = Host(uploads);
        var release = dir.File("releases/merged");

        await Assert.ThrowsAsync<IOException>(() => Publish(host, release));

        Assert.False(File.Exists(Path.Combine(release, ReleaseMarker.FileName)));
        Assert.Single(Directory.GetFiles(release, "*.safetensors"));
        Assert.False(Directory.Exists(Assert.Single(uploads.WorkFolders)), "the work folder is removed when the merge fails");
        uploads.FailAfter = int.MaxValue;

        var rerun = await Publish(host, release);

        Assert.Equal(3, rerun.KeptFiles);
        Assert.Equal(3, rerun.UploadedFiles); // the two other shards and the index
        var marker = ReleaseMarker.TryParse(File.ReadAllText(Path.Combine(release, ReleaseMarker.FileName)));
        Assert.NotNull(marker);
        var local = LocalMerge();
        Assert.Equal(Directory.GetFiles(local).Select(Path.GetFileName).Order(), marker.Files.Select(f => f.Path).Order());
        foreach (var file in Directory.GetFiles(local))
        {
            Assert.Equal(File.ReadAllBytes(file), File.ReadAllBytes(Path.Combine(release, Path.GetFileName(file))));
        }
    }

    [Fact]
    public async Task PublishAsync_ShardedBase_WorkFolderHoldsOnlyTheFileBeingUploaded()
    {
        var uploads = new Uploads { FailAfter = int.MaxValue };
        using var host = Host(uploads);

        var result = await Publish(host, dir.File("releases/merged"));

        Assert.Equal(3, result.Merge.Shards);
        Assert.Equal(6, uploads.FilesInWorkFolder.Count);
        Assert.All(uploads.FilesInWorkFolder, files => Assert.Equal(1, files));
        Assert.False(Directory.Exists(Assert.Single(uploads.WorkFolders)));
        var local = Directory.GetFiles(LocalMerge());
        Assert.Equal(local.Sum(f => new FileInfo(f).Length), result.UploadedBytes);
    }

    private Task<MergedModelPublication> Publish(RegistryTestHost host, string release) =>
        new MergedModelPublisher(new ModelMerger(NullLogger<ModelMerger>.Instance), host.Catalog, TimeProvider.System).PublishAsync(
            ResolvedModel.Folder(baseFolder), [ResolvedModel.Folder(adapterFolder)], RegistryReference.Parse("flaky://" + release),
            new MergeSettings(), "cpu", null, CancellationToken.None);

    private string LocalMerge()
    {
        var local = dir.File("local");
        if (!Directory.Exists(local))
        {
            new ModelMerger(NullLogger<ModelMerger>.Instance).Merge(baseFolder, [adapterFolder], local, new MergeSettings(), "cpu", null, CancellationToken.None);
        }

        return local;
    }

    private static RegistryTestHost Host(Uploads uploads) => new(new Dictionary<string, string>(), services =>
    {
        services.AddSingleton(uploads);
        services.AddRegistry<FlakyFolderRegistry>("flaky");
    });

    /// <summary>What the uploads saw of the local work folder, and after how many creates they start failing.</summary>
    public sealed class Uploads
    {
        public int FailAfter { get; set; }

        public int Creates { get; set; }

        public List<int> FilesInWorkFolder { get; } = [];

        public HashSet<string> WorkFolders { get; } = [];
    }

    /// <summary>A folder registry whose uploads fail after a number of them, as a network cut or a killed runner would stop them.</summary>
    private sealed class FlakyFolderRegistry(Uploads uploads) : IRegistry
    {
        private readonly FileRegistry inner = new();

        public Task<IReadOnlyList<RegistryVersion>> ListVersionsAsync(RegistryReference location, CancellationToken cancellationToken) => inner.ListVersionsAsync(Local(location), cancellationToken);

        public Task<ResolvedVersion> ResolveAsync(RegistryReference reference, CancellationToken cancellationToken) => inner.ResolveAsync(Local(reference), cancellationToken);

        public string? ImmutableCacheKey(RegistryReference reference) => null;

        public Task<RemoteRead> OpenReadAsync(ResolvedVersion version, RemoteFile file, long offset, long? length, CancellationToken cancellationToken) => inner.OpenReadAsync(version, file, offset, length, cancellationToken);

        public RegistryReference Child(RegistryReference folder, string name) => RegistryReference.Parse("flaky://" + inner.Child(Local(folder), name).Original);

        public Task WriteFileAsync(RegistryReference folder, string name, string localPath, CancellationToken cancellationToken) => inner.WriteFileAsync(Local(folder), name, localPath, cancellationToken);

        public Task<string?> ReadTextAsync(RegistryReference folder, string name, CancellationToken cancellationToken) => inner.ReadTextAsync(Local(folder), name, cancellationToken);

        public Task WriteTextAsync(RegistryReference folder, string name, string text, IReadOnlyDictionary<string, string> labels, CancellationToken cancellationToken) =>
            inner.WriteTextAsync(Local(folder), name, text, labels, cancellationToken);

        public Task<bool> CreateFileAsync(RegistryReference folder, string name, string localPath, CancellationToken cancellationToken)
        {
            var work = Path.GetDirectoryName(localPath)!;
            uploads.WorkFolders.Add(work);
            uploads.FilesInWorkFolder.Add(Directory.GetFiles(work).Length);
            if (++uploads.Creates > uploads.FailAfter)
            {
                throw new IOException("connection reset during upload");
            }

            return inner.CreateFileAsync(Local(folder), name, localPath, cancellationToken);
        }

        public Task<TaggedText?> ReadTaggedTextAsync(RegistryReference folder, string name, CancellationToken cancellationToken) => inner.ReadTaggedTextAsync(Local(folder), name, cancellationToken);

        public Task<bool> ReplaceTextAsync(RegistryReference folder, string name, string text, string? expectedTag, CancellationToken cancellationToken) =>
            inner.ReplaceTextAsync(Local(folder), name, text, expectedTag, cancellationToken);

        private static RegistryReference Local(RegistryReference reference) => RegistryReference.Parse(reference.Original["flaky://".Length..]);
    }
}
