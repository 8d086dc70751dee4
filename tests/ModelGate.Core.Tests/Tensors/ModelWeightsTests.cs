using ModelGate.Core.Errors;
using ModelGate.Core.Tensors;
using ModelGate.Testing;
using ModelGate.Testing.Tensors;

namespace ModelGate.Core.Tests.Tensors;

public sealed class ModelWeightsTests : IDisposable
{
    private const string Index = "model.safetensors.index.json";
    private const string Shard1 = "model-00001-of-00002.safetensors";
    private const string Shard2 = "model-00002-of-00002.safetensors";

    private readonly TempDirectory temp = new();

    public void Dispose() => temp.Dispose();

    [Fact]
    public void Open_SingleModelSafetensors_IsRead()
    {
        new SafetensorsBytesBuilder().AddFloat32("b", [1], 2f).AddFloat32("a", [1], 1f).WriteTo(temp.File("model.safetensors"));
        new SafetensorsBytesBuilder().AddFloat32("other", [1], 9f).WriteTo(temp.File("adapter.safetensors"));

        using var weights = ModelWeights.Open(temp.Path);

        Assert.False(weights.IsSharded);
        Assert.Equal(temp.Path, weights.Folder);
        Assert.Equal(["model.safetensors"], weights.ShardFiles);
        Assert.Equal(["a", "b"], weights.Tensors.Select(t => t.Name));
        Assert.Equal([2f], weights.ReadFloat32(weights.Get("b")));
        Assert.Equal("model.safetensors", weights.ShardOf("a"));
    }

    [Fact]
    public void Open_TrailingSlashOnTheFolder_ChangesNothing()
    {
        new SafetensorsBytesBuilder().AddFloat32("w", [1], 4f).WriteTo(temp.File("model.safetensors"));

        using var weights = ModelWeights.Open(temp.Path + Path.DirectorySeparatorChar);

        Assert.Equal(temp.Path, weights.Folder);
        Assert.Equal(temp.File("model.safetensors"), weights.Get("w").FilePath);
        Assert.Equal([4f], weights.ReadFloat32(weights.Get("w")));
    }

    [Fact]
    public void Open_SingleDifferentlyNamedSafetensorsFile_IsRead()
    {
        new SafetensorsBytesBuilder().AddFloat32("w", [1], 3f).WriteTo(temp.File("weights.safetensors"));

        using var weights = ModelWeights.Open(temp.Path);

        Assert.Equal(["weights.safetensors"], weights.ShardFiles);
        Assert.Equal([3f], weights.ReadFloat32(weights.Get("w")));
    }

    [Fact]
    public void Open_SeveralSafetensorsFilesWithoutAnIndex_AreAmbiguous()
    {
        new SafetensorsBytesBuilder().WriteTo(temp.File("a.safetensors"));
        new SafetensorsBytesBuilder().WriteTo(temp.File("b.safetensors"));

        var e = Assert.Throws<UserInputException>(() => ModelWeights.Open(temp.Path));
        Assert.Contains("a.safetensors, b.safetensors", e.Message);
    }

    [Fact]
    public void Open_PickleCheckpoints_AreRefusedWithAConversionCommand()
    {
        File.WriteAllBytes(temp.File("pytorch_model.bin"), [0x80, 0x02]);

        var e = Assert.Throws<UserInputException>(() => ModelWeights.Open(temp.Path));
        Assert.Contains("pytorch_model.bin", e.Message);
        Assert.Contains("pickle", e.Message);
        Assert.Contains("save_pretrained(p, safe_serialization=True)", e.Message);
        Assert.Contains($"p='{temp.Path}'", e.Message);
    }

    [Fact]
    public void Open_EmptyOrMissingFolders_AreUserErrors()
    {
        Assert.Contains("no model weights found", Assert.Throws<UserInputException>(() => ModelWeights.Open(temp.Path)).Message);
        Assert.Contains("model folder not found", Assert.Throws<UserInputException>(() => ModelWeights.Open(temp.File("nope"))).Message);
    }

    [Fact]
    public void Open_ShardedModel_IsReadThroughTheIndex()
    {
        WriteShards();
        WriteIndex(("b.weight", Shard1), ("a.weight", Shard1), ("c.bias", Shard2));

        using var weights = ModelWeights.Open(temp.Path);

        Assert.True(weights.IsSharded);
        Assert.Equal([Shard1, Shard2], weights.ShardFiles);
        Assert.Equal(["a.weight", "b.weight", "c.bias"], weights.Tensors.Select(t => t.Name));
        Assert.Equal(Shard2, weights.ShardOf("c.bias"));
        Assert.Equal(temp.File(Shard2), weights.Get("c.bias").FilePath);
        Assert.Equal([5f, 6f], weights.ReadFloat32(weights.Get("c.bias")));
        Assert.Equal([1f, 2f], weights.ReadFloat32(weights.Get("a.weight")));
        Assert.Equal(4, weights.GetBytes(weights.Get("b.weight")).Length);
        var slice = new byte[4];
        weights.CopyBytes(weights.Get("c.bias"), 4, slice);
        Assert.Equal(6f, BitConverter.ToSingle(slice));
        Assert.False(weights.TryGet("nope", out _));
        Assert.Contains("\"nope\"", Assert.Throws<UserInputException>(() => weights.Get("nope")).Message);
    }

    [Fact]
    public void Open_ShardMissingFromTheFolder_IsReportedWithTheTensorThatNeedsIt()
    {
        WriteShards();
        WriteIndex(("a.weight", Shard1), ("b.weight", Shard1), ("c.bias", Shard2), ("d", "model-00003-of-00003.safetensors"));

        var e = Assert.Throws<UserInputException>(() => ModelWeights.Open(temp.Path));
        Assert.StartsWith(temp.File(Index), e.Message);
        Assert.Contains("\"d\"", e.Message);
        Assert.Contains("\"model-00003-of-00003.safetensors\", which does not exist", e.Message);
    }

    [Fact]
    public void Open_TensorMissingFromItsShard_IsReportedNamingBoth()
    {
        WriteShards();
        WriteIndex(("a.weight", Shard1), ("b.weight", Shard1), ("c.bias", Shard2), ("c.weight", Shard2));

        var e = Assert.Throws<UserInputException>(() => ModelWeights.Open(temp.Path));
        Assert.Contains("\"c.weight\"", e.Message);
        Assert.Contains(temp.File(Shard2), e.Message);
        Assert.Contains("has no such tensor", e.Message);
    }

    [Fact]
    public void Open_ShardTensorMissingFromTheIndex_IsReportedNamingBoth()
    {
        WriteShards();
        WriteIndex(("a.weight", Shard1), ("c.bias", Shard2));

        var e = Assert.Throws<UserInputException>(() => ModelWeights.Open(temp.Path));
        Assert.StartsWith(temp.File(Shard1), e.Message);
        Assert.Contains("\"b.weight\" is not listed in the weight_map of " + temp.File(Index), e.Message);
    }

    [Fact]
    public void Open_TensorMappedToTheWrongShard_IsReported()
    {
        WriteShards();
        new SafetensorsBytesBuilder().AddFloat32("a.weight", [1], 1f).WriteTo(temp.File("extra.safetensors"));
        WriteIndex(("a.weight", "extra.safetensors"), ("b.weight", Shard1), ("c.bias", Shard2));

        var e = Assert.Throws<UserInputException>(() => ModelWeights.Open(temp.Path));
        Assert.Contains("\"a.weight\" is also here", e.Message);
    }

    [Theory]
    [InlineData("../outside.safetensors")]
    [InlineData("sub/model.safetensors")]
    [InlineData("/etc/passwd")]
    [InlineData("..")]
    [InlineData("")]
    public void Open_ShardNamesThatLeaveTheFolder_AreRejected(string shardName)
    {
        WriteShards();
        WriteIndex(("a.weight", shardName), ("b.weight", Shard1), ("c.bias", Shard2));

        var e = Assert.Throws<UserInputException>(() => ModelWeights.Open(temp.Path));
        Assert.Contains("not a plain file name", e.Message);
        Assert.Contains("\"a.weight\"", e.Message);
    }

    [Theory]
    [InlineData("{", "not valid JSON")]
    [InlineData("[]", "not a JSON object")]
    [InlineData("{\"metadata\":{}}", "weight_map must be an object")]
    [InlineData("{\"weight_map\":{\"a\":1}}", "\"a\" maps to Number")]
    [InlineData("{\"weight_map\":{\"a\":\"x\",\"a\":\"y\"}}", "lists tensor \"a\" twice")]
    [InlineData("{\"weight_map\":{}}", "lists no tensors")]
    public void Open_MalformedIndexFiles_AreRejected(string json, string expected)
    {
        File.WriteAllText(temp.File(Index), json);

        var e = Assert.Throws<UserInputException>(() => ModelWeights.Open(temp.Path));
        Assert.StartsWith(temp.File(Index), e.Message);
        Assert.Contains(expected, e.Message);
    }

    [Fact]
    public void Open_BrokenShard_FailsNamingTheShard()
    {
        WriteShards();
        File.WriteAllBytes(temp.File(Shard2), [1, 2, 3]);
        WriteIndex(("a.weight", Shard1), ("b.weight", Shard1), ("c.bias", Shard2));

        var e = Assert.Throws<UserInputException>(() => ModelWeights.Open(temp.Path));
        Assert.StartsWith(temp.File(Shard2), e.Message);
    }

    private void WriteShards()
    {
        new SafetensorsBytesBuilder().AddFloat32("a.weight", [2], 1f, 2f).AddFloat32("b.weight", [1], 3f).WriteTo(temp.File(Shard1));
        new SafetensorsBytesBuilder().AddFloat32("c.bias", [2], 5f, 6f).WriteTo(temp.File(Shard2));
    }

    private void WriteIndex(params (string Tensor, string Shard)[] map)
    {
        var entries = string.Join(",", map.Select(m => $"\"{m.Tensor}\":\"{m.Shard}\""));
        File.WriteAllText(temp.File(Index), $"{{\"metadata\":{{\"total_size\":20}},\"weight_map\":{{{entries}}}}}");
    }
}
