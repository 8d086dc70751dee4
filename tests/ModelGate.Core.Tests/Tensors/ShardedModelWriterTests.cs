using System.Text.Json;
using ModelGate.Core.Tensors;
using ModelGate.Testing;

namespace ModelGate.Core.Tests.Tensors;

public sealed class ShardedModelWriterTests : IDisposable
{
    private const string Shard1 = "model-00001-of-00002.safetensors";
    private const string Shard2 = "model-00002-of-00002.safetensors";

    private readonly TempDirectory temp = new();

    public void Dispose() => temp.Dispose();

    [Fact]
    public void Commit_TwoShards_WritesAnIndexThatModelWeightsReadsBack()
    {
        var folder = Path.Combine(temp.Path, "out");
        using (var writer = new ShardedModelWriter(folder, TwoShards(), new Dictionary<string, string> { ["format"] = "pt" }))
        {
            writer.WriteTensorFloat32("z.weight", [1f, 2f, 3f, 4f]);
            writer.WriteTensorFloat32("a.bias", [5f, 6f]);
            writer.BeginTensor("m.weight");
            writer.WriteTensorChunkFloat32([7f]);
            writer.WriteTensorChunkFloat32([8f]);
            writer.Commit();
        }

        using var weights = ModelWeights.Open(folder);
        Assert.True(weights.IsSharded);
        Assert.Equal([Shard1, Shard2], weights.ShardFiles);
        Assert.Equal(Shard1, weights.ShardOf("a.bias"));
        Assert.Equal([1f, 2f, 3f, 4f], weights.ReadFloat32(weights.Get("z.weight")));
        Assert.Equal([5f, 6f], weights.ReadFloat32(weights.Get("a.bias")));
        Assert.Equal([7f, 8f], weights.ReadFloat32(weights.Get("m.weight")));
        Assert.Equal(TensorDType.BF16, weights.Get("m.weight").DType);

        using var index = JsonDocument.Parse(File.ReadAllText(Path.Combine(folder, "model.safetensors.index.json")));
        Assert.Equal(16 + 8 + 4, index.RootElement.GetProperty("metadata").GetProperty("total_size").GetInt64());
        var map = index.RootElement.GetProperty("weight_map").EnumerateObject().Select(p => (p.Name, p.Value.GetString())).ToArray();
        Assert.Equal([("a.bias", Shard1), ("m.weight", Shard2), ("z.weight", Shard1)], map);

        using var shard = SafetensorsFile.Open(Path.Combine(folder, Shard1));
        Assert.Equal("pt", shard.Metadata["format"]);
        Assert.Equal(["z.weight", "a.bias"], shard.Tensors.Select(t => t.Name));
    }

    [Fact]
    public void Commit_SingleShard_GetsNoIndexAndRemovesAStaleIndex()
    {
        File.WriteAllText(temp.File("model.safetensors.index.json"), "{}");
        using (var writer = new ShardedModelWriter(temp.Path, [("model.safetensors", [new TensorSpec("w", TensorDType.F32, [1])])]))
        {
            writer.WriteTensorFloat32("w", [1f]);
            writer.Commit();
        }

        Assert.Equal([temp.File("model.safetensors")], Directory.GetFiles(temp.Path));
        using var weights = ModelWeights.Open(temp.Path);
        Assert.False(weights.IsSharded);
    }

    [Fact]
    public void Dispose_WithoutCommit_LeavesNoFiles()
    {
        using (var writer = new ShardedModelWriter(temp.Path, TwoShards()))
        {
            writer.WriteTensorFloat32("z.weight", [1f, 2f, 3f, 4f]);
            writer.WriteTensorFloat32("a.bias", [5f, 6f]);
            writer.WriteTensorFloat32("m.weight", [7f, 8f]);
        }

        Assert.Empty(Directory.GetFileSystemEntries(temp.Path));
    }

    [Fact]
    public void Commit_IncompleteModel_CommitsNothing()
    {
        using var writer = new ShardedModelWriter(temp.Path, TwoShards());
        writer.WriteTensorFloat32("z.weight", [1f, 2f, 3f, 4f]);
        writer.WriteTensorFloat32("a.bias", [5f, 6f]);

        var e = Assert.Throws<InvalidOperationException>(writer.Commit);
        Assert.Contains("\"m.weight\"", e.Message);
        Assert.DoesNotContain(Directory.GetFiles(temp.Path), f => f.EndsWith(".safetensors", StringComparison.Ordinal) || f.EndsWith(".json", StringComparison.Ordinal));
    }

    [Fact]
    public void WriteTensor_OutOfShardOrder_IsRejected()
    {
        using var writer = new ShardedModelWriter(temp.Path, TwoShards());

        var e = Assert.Throws<InvalidOperationException>(() => writer.WriteTensorFloat32("m.weight", [7f, 8f]));
        Assert.Contains("expected tensor \"z.weight\" next", e.Message);
        writer.WriteTensorFloat32("z.weight", [1f, 2f, 3f, 4f]);
        Assert.Throws<InvalidOperationException>(() => writer.WriteTensorFloat32("m.weight", [7f, 8f]));
    }

    [Fact]
    public void Commit_EmptyShards_AreWrittenAsValidEmptyFiles()
    {
        using (var writer = new ShardedModelWriter(temp.Path, [("a.safetensors", []), ("b.safetensors", [new TensorSpec("w", TensorDType.U8, [1])]), ("c.safetensors", [])]))
        {
            writer.WriteTensor("w", [9]);
            writer.Commit();
        }

        using var empty = SafetensorsFile.Open(temp.File("c.safetensors"));
        Assert.Empty(empty.Tensors);
    }

    [Theory]
    [InlineData("../escape.safetensors")]
    [InlineData("/tmp/abs.safetensors")]
    [InlineData("model.safetensors.index.json")]
    public void Constructor_ShardNameThatIsNotAPlainFileName_IsRejected(string name)
    {
        Assert.Throws<ArgumentException>(() => new ShardedModelWriter(temp.Path, [(name, [new TensorSpec("w", TensorDType.U8, [1])])]));
    }

    [Fact]
    public void Constructor_TensorListedInTwoShards_IsRejected()
    {
        Assert.Throws<ArgumentException>(() => new ShardedModelWriter(
            temp.Path,
            [("a.safetensors", [new TensorSpec("w", TensorDType.U8, [1])]), ("b.safetensors", [new TensorSpec("w", TensorDType.U8, [1])])]));
    }

    private static (string, IReadOnlyList<TensorSpec>)[] TwoShards() =>
    [
        (Shard1, [new TensorSpec("z.weight", TensorDType.F32, [2, 2]), new TensorSpec("a.bias", TensorDType.F32, [2])]),
        (Shard2, [new TensorSpec("m.weight", TensorDType.BF16, [2])]),
    ];
}
