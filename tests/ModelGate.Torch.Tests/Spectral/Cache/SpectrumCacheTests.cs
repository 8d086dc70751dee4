using ModelGate.Core.Adapters;
using ModelGate.Core.IO;
using ModelGate.Core.Spectral.Cache;
using ModelGate.Core.Tensors;
using ModelGate.Demo;
using ModelGate.Testing;
using ModelGate.Torch.Runtime;
using ModelGate.Torch.Spectral.Cache;

namespace ModelGate.Torch.Tests.Spectral.Cache;

public sealed class SpectrumCacheTests : IDisposable
{
    private const string Square = "model.layers.0.self_attn.q_proj.weight"; // 64 × 64
    private const string Tall = "model.layers.0.mlp.gate_proj.weight";     // 96 × 64
    private const string Wide = "model.layers.0.mlp.down_proj.weight";     // 64 × 96

    private readonly TempDirectory _dir = new();
    private readonly string _model;
    private readonly RecordingLogger<SpectrumCache> _log = new();

    public SpectrumCacheTests()
    {
        _model = new TinyModelBuilder { Hidden = 64, Intermediate = 96, Layers = 1 }.Build(_dir.File("base")).Folder;
    }

    private static TorchSharp.torch.Device Cpu => TorchDeviceSelector.Select("cpu");

    private string CacheRoot => _dir.File("cache");

    public void Dispose() => _dir.Dispose();

    [Fact]
    public void GetOrCompute_Miss_ComputesAndStores_ThenTheSecondCallIsAHitWithTheSameValues()
    {
        var cache = NewCache();
        using var weights = ModelWeights.Open(_model);
        var tensor = weights.Get(Square);

        var first = cache.GetOrCompute(weights, tensor, MatrixLayout.AsStored, Cpu, out var firstComputed);
        var second = cache.GetOrCompute(weights, tensor, MatrixLayout.AsStored, Cpu, out var secondComputed);

        Assert.True(firstComputed);
        Assert.False(secondComputed);
        Assert.Equal(first.U, second.U);
        Assert.Equal(first.S, second.S);
        Assert.Equal(first.V, second.V);
        Assert.Equal((64L, 64L, 64), (second.Rows, second.Cols, second.Rank));
        Assert.Single(EntryFiles());
    }

    [Theory]
    [InlineData(Square, 64, 64)]
    [InlineData(Tall, 96, 64)]
    [InlineData(Wide, 64, 96)]
    public void CachedSpectrum_ReconstructsTheMatrix(string name, long rows, long cols)
    {
        using var weights = ModelWeights.Open(_model);
        var tensor = weights.Get(name);
        NewCache().GetOrCompute(weights, tensor, MatrixLayout.AsStored, Cpu, out _);

        var cached = NewCache().GetOrCompute(weights, tensor, MatrixLayout.AsStored, Cpu, out var computed);

        Assert.False(computed);
        Assert.Equal((rows, cols, (int)Math.Min(rows, cols)), (cached.Rows, cached.Cols, cached.Rank));
        Assert.True(cached.S.Zip(cached.S.Skip(1)).All(p => p.First >= p.Second), "singular values descend");
        Assert.InRange(SpectrumMath.RelativeReconstructionError(cached, weights.ReadFloat32(tensor)), 0, 1e-4);
    }

    [Fact]
    public void TransposedLayout_DecomposesTheStoredMatrixTransposed_UnderItsOwnKey()
    {
        using var weights = ModelWeights.Open(_model);
        var tensor = weights.Get(Tall);

        var transposed = NewCache().GetOrCompute(weights, tensor, MatrixLayout.Transposed, Cpu, out _);
        var cached = NewCache().GetOrCompute(weights, tensor, MatrixLayout.Transposed, Cpu, out var computed);

        Assert.False(computed);
        Assert.Equal((64L, 96L), (cached.Rows, cached.Cols));
        Assert.Equal(transposed.S, cached.S);
        Assert.InRange(SpectrumMath.RelativeReconstructionError(cached, SpectrumMath.Transpose(weights.ReadFloat32(tensor), 96, 64)), 0, 1e-4);
        Assert.NotEqual(SpectrumKey.Compute(weights, tensor, MatrixLayout.AsStored), SpectrumKey.Compute(weights, tensor, MatrixLayout.Transposed));
    }

    [Fact]
    public void Key_DependsOnContentNotPath_SoACopiedModelHitsTheSameEntry()
    {
        var copy = CopyModel("copy");
        using (var weights = ModelWeights.Open(_model))
        {
            NewCache().GetOrCompute(weights, weights.Get(Square), MatrixLayout.AsStored, Cpu, out _);
        }

        using var copied = ModelWeights.Open(copy);
        NewCache().GetOrCompute(copied, copied.Get(Square), MatrixLayout.AsStored, Cpu, out var computed);

        Assert.False(computed);
        Assert.Single(EntryFiles());
    }

    [Fact]
    public void Key_ChangesWhenOneByteOfTheTensorChanges()
    {
        var changed = CopyModel("changed");
        TensorInfo tensor;
        using (var weights = ModelWeights.Open(changed))
        {
            tensor = weights.Get(Square);
        }

        FlipByte(tensor.FilePath, DataSectionStart(tensor.FilePath) + tensor.DataStart + (tensor.ByteLength / 2));

        using var original = ModelWeights.Open(_model);
        using var edited = ModelWeights.Open(changed);

        Assert.NotEqual(
            SpectrumKey.Compute(original, original.Get(Square), MatrixLayout.AsStored),
            SpectrumKey.Compute(edited, edited.Get(Square), MatrixLayout.AsStored));
    }

    [Fact]
    public void TruncatedEntry_IsDetectedDeletedAndRecomputed()
    {
        var path = ComputeSquareEntry();
        using (var stream = new FileStream(path, FileMode.Open, FileAccess.Write))
        {
            stream.SetLength(stream.Length - 100);
        }

        AssertDiscardedAndRecomputed(path);
    }

    [Fact]
    public void EntryWithOneFlippedDataByte_IsDetectedDeletedAndRecomputed()
    {
        var path = ComputeSquareEntry();
        FlipByte(path, new FileInfo(path).Length - 5);

        AssertDiscardedAndRecomputed(path);
    }

    [Fact]
    public void EntryRenamedToAnotherKey_IsNotTrusted()
    {
        var path = ComputeSquareEntry();
        var other = new SpectrumKey(new string('a', 32));
        File.Copy(path, NewCache().PathOf(other));

        Assert.False(NewCache().TryGet(other, out _));
        Assert.False(File.Exists(NewCache().PathOf(other)));
        Assert.Contains(_log.Warnings, w => w.Contains("does not match the file name", StringComparison.Ordinal));
    }

    [Fact]
    public void ConcurrentComputationsOfOneKey_AllSucceed_AndLeaveOneFileAndNoTemporaries()
    {
        using var weights = ModelWeights.Open(_model);
        var tensor = weights.Get(Tall);
        var caches = new[] { NewCache(), NewCache() };
        var results = new BaseSpectrum[8];

        Parallel.For(0, results.Length, new ParallelOptions { MaxDegreeOfParallelism = 8 }, i =>
            results[i] = caches[i % 2].GetOrCompute(weights, tensor, MatrixLayout.AsStored, Cpu, out _));

        Assert.All(results, r => Assert.Equal(results[0].S, r.S));
        Assert.Equal([Path.GetFileName(NewCache().PathOf(SpectrumKey.Compute(weights, tensor, MatrixLayout.AsStored)))], AllFileNames());
        Assert.True(NewCache().TryGet(SpectrumKey.Compute(weights, tensor, MatrixLayout.AsStored), out _));
        Assert.Empty(_log.Warnings);
    }

    [Fact]
    public void ConcurrentPutsOfOneKey_LeaveOneValidFileAndNoTemporaries()
    {
        var key = new SpectrumKey(new string('b', 32));
        var spectrum = SpectrumMath.Arbitrary(300, 200, seed: 5);

        Parallel.For(0, 16, new ParallelOptions { MaxDegreeOfParallelism = 8 }, i => NewCache().Put(key, spectrum, $"writer {i}"));

        Assert.Equal([key.Hex + ".safetensors"], AllFileNames());
        Assert.True(NewCache().TryGet(key, out var read));
        Assert.Equal(spectrum.V, read.V);
    }

    [Theory]
    [InlineData(SpectrumPrecision.F16)]
    [InlineData(SpectrumPrecision.BF16)]
    public void HalfPrecision_HalvesTheFile_AndStillReconstructsWithin1e2(SpectrumPrecision precision)
    {
        using var weights = ModelWeights.Open(_model);
        var tensor = weights.Get(Wide);
        var full = new SpectrumCache(_dir.File("f32"), SpectrumPrecision.F32, _log);
        var half = new SpectrumCache(_dir.File("half"), precision, _log);
        full.GetOrCompute(weights, tensor, MatrixLayout.AsStored, Cpu, out _);
        half.GetOrCompute(weights, tensor, MatrixLayout.AsStored, Cpu, out _);

        // Read back by a cache that would write F32: an entry in another precision is the same spectrum, so a hit.
        var reader = new SpectrumCache(half.Root, SpectrumPrecision.F32, _log);
        var cached = reader.GetOrCompute(weights, tensor, MatrixLayout.AsStored, Cpu, out var computed);

        Assert.False(computed);
        var fullBytes = full.List().Single().Bytes;
        var halfEntry = reader.List().Single();
        Assert.Equal(precision, halfEntry.Precision);
        Assert.InRange(halfEntry.Bytes, fullBytes * 0.45, fullBytes * 0.55);
        Assert.InRange(SpectrumMath.RelativeReconstructionError(cached, weights.ReadFloat32(tensor)), 0, 1e-2);
    }

    [Fact]
    public void List_DescribesEachEntry_MostRecentlyUsedFirst()
    {
        var cache = NewCache();
        cache.Put(Key(1), SpectrumMath.Arbitrary(8, 4, 1), "model-a:w1");
        cache.Put(Key(2), SpectrumMath.Arbitrary(4, 8, 2), "model-b:w2");
        File.SetLastWriteTimeUtc(cache.PathOf(Key(1)), DateTime.UtcNow.AddHours(-1));

        var entries = cache.List();

        Assert.Equal([Key(2).Hex, Key(1).Hex], entries.Select(e => e.Key));
        Assert.Equal((4L, 8L, "model-b:w2", SpectrumPrecision.F32), (entries[0].Rows, entries[0].Cols, entries[0].Source, entries[0].Precision));
        Assert.Equal(new FileInfo(cache.PathOf(Key(2))).Length, entries[0].Bytes);
        Assert.Equal(cache.PathOf(Key(1)), entries[1].Path);
    }

    [Fact]
    public void List_ShowsAnUnreadableEntry_SoItCanBePruned()
    {
        var cache = NewCache();
        cache.Put(Key(1), SpectrumMath.Arbitrary(8, 4, 1), "s");
        File.WriteAllBytes(cache.PathOf(Key(2)), [1, 2, 3]);

        var unreadable = cache.List().Single(e => e.Key == Key(2).Hex);

        Assert.StartsWith("unreadable:", unreadable.Source, StringComparison.Ordinal);
        Assert.Equal(2, cache.Prune(null, null).Removed);
    }

    [Fact]
    public void Prune_OlderThan_RemovesOnlyEntriesNotUsedSince()
    {
        var cache = CacheWithEntriesUsed(daysAgo: [40, 10, 0]);

        var result = cache.Prune(TimeSpan.FromDays(30), null);

        Assert.Equal((1, 2), (result.Removed, result.Kept));
        Assert.Equal([Key(2).Hex, Key(1).Hex], cache.List().Select(e => e.Key));
        Assert.Equal(cache.List().Sum(e => e.Bytes), result.BytesKept);
    }

    [Fact]
    public void Prune_MaxSize_RemovesLeastRecentlyUsedFirstUntilUnderTheLimit()
    {
        var cache = CacheWithEntriesUsed(daysAgo: [3, 1, 2]);
        var size = cache.List()[0].Bytes;

        var result = cache.Prune(null, (2 * size) + 1);

        Assert.Equal((1, size, 2, 2 * size), (result.Removed, result.BytesFreed, result.Kept, result.BytesKept));
        Assert.Equal([Key(1).Hex, Key(2).Hex], cache.List().Select(e => e.Key));
    }

    [Fact]
    public void Prune_MaxSize_KeepsAnEntryAHitJustUsed()
    {
        var cache = CacheWithEntriesUsed(daysAgo: [3, 1, 2]);
        var size = cache.List()[0].Bytes;
        Assert.True(cache.TryGet(Key(0), out _));

        cache.Prune(null, size);

        Assert.Equal([Key(0).Hex], cache.List().Select(e => e.Key));
    }

    [Fact]
    public void Prune_WithNeitherLimit_RemovesEverything()
    {
        var cache = CacheWithEntriesUsed(daysAgo: [3, 1, 2]);
        var total = cache.List().Sum(e => e.Bytes);

        var result = cache.Prune(null, null);

        Assert.Equal(new PruneResult(3, total, 0, 0), result);
        Assert.Empty(cache.List());
    }

    [Fact]
    public void Prune_RemovesTemporaryFilesOfKilledWriters_ButNotOfWritesInProgress()
    {
        var cache = CacheWithEntriesUsed(daysAgo: [0]);
        var abandoned = Path.Combine(cache.Folder, Key(7).Hex + ".safetensors.tmp-0123456789ab");
        var inProgress = Path.Combine(cache.Folder, Key(8).Hex + ".safetensors.tmp-ba9876543210");
        File.WriteAllBytes(abandoned, [1, 2, 3]);
        File.WriteAllBytes(inProgress, [1, 2, 3]);
        File.SetLastWriteTimeUtc(abandoned, DateTime.UtcNow.AddDays(-1));

        var result = cache.Prune(TimeSpan.FromDays(30), null);

        Assert.Equal((0, 1), (result.Removed, result.Kept));
        Assert.False(File.Exists(abandoned));
        Assert.True(File.Exists(inProgress));
    }

    [Fact]
    public void PruneAll_RemovesFreshTemporaryFilesOfDeadWriters_ButNotALiveWritersOne()
    {
        var cache = CacheWithEntriesUsed(daysAgo: [0]);
        var exited = ExitedProcessTag();
        var current = TemporaryOwner.Current;
        var reused = current with { StartedUnixSeconds = current.StartedUnixSeconds - 3600 }; // our id, another process's start
        var ofExited = Path.Combine(cache.Folder, $"{Key(7).Hex}.safetensors.tmp-{exited}-0123456789ab");
        var ofReusedId = Path.Combine(cache.Folder, $"{Key(8).Hex}.safetensors.tmp-{reused.Tag}-0123456789ab");
        var ofLive = Path.Combine(cache.Folder, $"{Key(9).Hex}.safetensors.tmp-{current.Tag}-0123456789ab");
        foreach (var file in new[] { ofExited, ofReusedId, ofLive })
        {
            File.WriteAllBytes(file, []);
        }

        var result = cache.Prune(null, null);

        Assert.Equal((1, 0), (result.Removed, result.Kept));
        Assert.False(File.Exists(ofExited));
        Assert.False(File.Exists(ofReusedId));
        Assert.True(File.Exists(ofLive));
    }

    [Fact]
    public void Put_FirstWrite_RemovesTemporaryFilesOfDeadWriters()
    {
        var cache = NewCache();
        Directory.CreateDirectory(cache.Folder);
        var orphan = Path.Combine(cache.Folder, $"{Key(7).Hex}.safetensors.tmp-{ExitedProcessTag()}-0123456789ab");
        File.WriteAllBytes(orphan, [1, 2, 3]);

        cache.Put(Key(1), SpectrumMath.Arbitrary(8, 4, 1), "s");

        Assert.False(File.Exists(orphan));
    }

    /// <summary>The owner tag of a process that has really run and exited on this machine (it waits on stdin until we have its start time).</summary>
    private static string ExitedProcessTag()
    {
        using var child = System.Diagnostics.Process.Start(new System.Diagnostics.ProcessStartInfo(OperatingSystem.IsWindows() ? "more" : "cat")
        {
            RedirectStandardInput = true,
            UseShellExecute = false,
        })!;
        var tag = (TemporaryOwner.Current with
        {
            ProcessId = child.Id,
            StartedUnixSeconds = new DateTimeOffset(child.StartTime.ToUniversalTime()).ToUnixTimeSeconds(),
        }).Tag;
        child.StandardInput.Close();
        child.WaitForExit();
        return tag;
    }

    [Fact]
    public void Prune_OfACacheNeverWritten_RemovesNothing()
    {
        Assert.Equal(new PruneResult(0, 0, 0, 0), NewCache().Prune(null, null));
        Assert.Empty(NewCache().List());
    }

    [Fact]
    public void Put_SpectrumWhoseArraysDoNotMatchItsShape_IsRefused()
    {
        var bad = SpectrumMath.Arbitrary(8, 4, 1) with { Rows = 9 };

        Assert.Throws<ArgumentException>(() => NewCache().Put(Key(1), bad, "s"));
    }

    [Fact]
    public void Key_ThatIsNotHex_CannotNameAFile()
    {
        Assert.Throws<ArgumentException>(() => NewCache().TryGet(new SpectrumKey("../../etc/passwd"), out _));
    }

    private static SpectrumKey Key(int i) => new(i.ToString("x32", System.Globalization.CultureInfo.InvariantCulture));

    private static long DataSectionStart(string path)
    {
        using var stream = File.OpenRead(path);
        var prefix = new byte[8];
        stream.ReadExactly(prefix);
        return 8 + (long)BitConverter.ToUInt64(prefix);
    }

    private static void FlipByte(string path, long offset)
    {
        using var stream = new FileStream(path, FileMode.Open, FileAccess.ReadWrite);
        stream.Position = offset;
        var b = stream.ReadByte();
        stream.Position = offset;
        stream.WriteByte((byte)(b ^ 0x01));
    }

    private SpectrumCache NewCache(SpectrumPrecision precision = SpectrumPrecision.F32) => new(CacheRoot, precision, _log);

    private SpectrumCache CacheWithEntriesUsed(int[] daysAgo)
    {
        var cache = NewCache();
        for (var i = 0; i < daysAgo.Length; i++)
        {
            cache.Put(Key(i), SpectrumMath.Arbitrary(16, 16, i), $"source {i}");
            File.SetLastWriteTimeUtc(cache.PathOf(Key(i)), DateTime.UtcNow.AddDays(-daysAgo[i]).AddMinutes(-1));
        }

        return cache;
    }

    private string ComputeSquareEntry()
    {
        using var weights = ModelWeights.Open(_model);
        var cache = NewCache();
        cache.GetOrCompute(weights, weights.Get(Square), MatrixLayout.AsStored, Cpu, out _);
        return cache.PathOf(SpectrumKey.Compute(weights, weights.Get(Square), MatrixLayout.AsStored));
    }

    private void AssertDiscardedAndRecomputed(string path)
    {
        using var weights = ModelWeights.Open(_model);
        var key = SpectrumKey.Compute(weights, weights.Get(Square), MatrixLayout.AsStored);

        Assert.False(NewCache().TryGet(key, out _));
        Assert.False(File.Exists(path));
        Assert.Contains(_log.Warnings, w => w.Contains(path, StringComparison.Ordinal));

        var spectrum = NewCache().GetOrCompute(weights, weights.Get(Square), MatrixLayout.AsStored, Cpu, out var computed);
        Assert.True(computed);
        Assert.True(NewCache().TryGet(key, out var again));
        Assert.Equal(spectrum.U, again.U);
    }

    private string CopyModel(string name)
    {
        var target = _dir.File(name);
        Directory.CreateDirectory(target);
        foreach (var file in Directory.GetFiles(_model))
        {
            File.Copy(file, Path.Combine(target, Path.GetFileName(file)));
        }

        return target;
    }

    private IEnumerable<string> EntryFiles() => NewCache().List().Select(e => e.Path);

    private string[] AllFileNames() =>
        [.. Directory.GetFiles(NewCache().Folder).Select(f => Path.GetFileName(f)!).Order(StringComparer.Ordinal)];
}
