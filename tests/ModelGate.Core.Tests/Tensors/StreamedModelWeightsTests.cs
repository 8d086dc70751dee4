using ModelGate.Core.Tensors;
using ModelGate.Testing;
using ModelGate.Testing.Tensors;

namespace ModelGate.Core.Tests.Tensors;

/// <summary>
/// A streamed folder's bytes come from an asynchronous source: opening awaits the header reads and a tensor is
/// fetched (awaited) before it is read, so no thread waits on the network inside a synchronous read (issue #16).
/// </summary>
public sealed class StreamedModelWeightsTests : IDisposable
{
    private readonly TempDirectory temp = new();
    private readonly GatedSource source;

    public StreamedModelWeightsTests()
    {
        source = new GatedSource(new SafetensorsBytesBuilder().AddFloat32("w", [2], 1f, 2f).Build());
        Directory.CreateDirectory(temp.File("streamed"));
        StreamedFolders.Register(temp.File("streamed"), source);
    }

    public void Dispose() => temp.Dispose();

    [Fact]
    public async Task OpenAsync_HeaderReadsPending_ReturnsAnUnfinishedTaskInsteadOfBlocking()
    {
        var opening = ModelWeights.OpenAsync(temp.File("streamed"), CancellationToken.None);

        Assert.False(opening.IsCompleted);
        source.Release();
        using var weights = await opening;
        Assert.Equal(["w"], weights.Tensors.Select(t => t.Name));
    }

    [Fact]
    public async Task ReadFloat32_StreamedTensor_ReadsOnlyWhileAFetchLeasesItsBytes()
    {
        source.Release();
        using var weights = await ModelWeights.OpenAsync(temp.File("streamed"), CancellationToken.None);
        var w = weights.Get("w");

        Assert.Throws<InvalidOperationException>(() => weights.ReadFloat32(w));
        using (await weights.FetchAsync(w, CancellationToken.None))
        {
            Assert.Equal([1f, 2f], weights.ReadFloat32(w));
        }

        Assert.Throws<InvalidOperationException>(() => weights.ReadFloat32(w));
    }

    [Fact]
    public void Open_StreamedFolder_RefusesAndNamesOpenAsync()
    {
        var e = Assert.Throws<InvalidOperationException>(() => ModelWeights.Open(temp.File("streamed")));

        Assert.Contains(nameof(ModelWeights.OpenAsync), e.Message);
    }

    /// <summary>A file's bytes by range, each read held until <see cref="Release"/>.</summary>
    private sealed class GatedSource(byte[] file) : IRemoteShardSource
    {
        private readonly TaskCompletionSource released = new(TaskCreationOptions.RunContinuationsAsynchronously);

        public IReadOnlyList<string> SafetensorsFiles => ["model.safetensors"];

        public long BytesRead { get; private set; }

        public bool Contains(string fileName) => fileName == "model.safetensors";

        public long LengthOf(string fileName) => file.Length;

        public string? Sha256Of(string fileName) => null;

        public async Task<byte[]> ReadAsync(string fileName, long offset, int length, CancellationToken cancellationToken)
        {
            await released.Task.WaitAsync(cancellationToken);
            BytesRead += length;
            return file.AsSpan((int)offset, length).ToArray();
        }

        public void Release() => released.SetResult();
    }
}
