using ModelGate.Core.Tensors;
using ModelGate.Testing;

namespace ModelGate.Core.Tests.Tensors;

/// <summary>Files written by Hugging Face's own safetensors library, to catch any disagreement with the reference format.</summary>
public sealed class PeerModelFilesTests : IDisposable
{
    private readonly TempDirectory temp = new();

    public void Dispose() => temp.Dispose();

    public static TheoryData<string> Models() => new(PeerModels.Names());

    [Theory]
    [MemberData(nameof(Models))]
    public void ReadFloat32_EveryTensorOfAReferenceModel_LoadsWithFiniteValues(string model)
    {
        using var weights = ModelWeights.Open(Path.Combine(PeerModels.Folder, model));

        Assert.NotEmpty(weights.Tensors);
        foreach (var tensor in weights.Tensors)
        {
            var values = weights.ReadFloat32(tensor);
            Assert.Equal(tensor.ElementCount, values.Length);
            if (TensorDTypes.IsFloatingPoint(tensor.DType))
            {
                Assert.True(values.All(float.IsFinite), $"{model}: tensor {tensor.Name} has non-finite values");
            }
        }
    }

    [Theory]
    [MemberData(nameof(Models))]
    public void ShardedModelWriter_CopyOfAReferenceModel_KeepsEveryByte(string model)
    {
        using var source = ModelWeights.Open(Path.Combine(PeerModels.Folder, model));
        var tensors = source.Tensors;
        var half = tensors.Count / 2;
        var layout = new (string, IReadOnlyList<TensorSpec>)[]
        {
            ("model-00001-of-00002.safetensors", [.. tensors.Take(half).Select(t => new TensorSpec(t.Name, t.DType, t.Shape))]),
            ("model-00002-of-00002.safetensors", [.. tensors.Skip(half).Select(t => new TensorSpec(t.Name, t.DType, t.Shape))]),
        };
        using (var writer = new ShardedModelWriter(temp.Path, layout, new Dictionary<string, string> { ["format"] = "pt" }))
        {
            foreach (var tensor in tensors)
            {
                writer.WriteTensor(tensor.Name, source.GetBytes(tensor));
            }

            writer.Commit();
        }

        using var copy = ModelWeights.Open(temp.Path);
        Assert.Equal(tensors.Select(t => t.Name), copy.Tensors.Select(t => t.Name));
        foreach (var tensor in tensors)
        {
            var copied = copy.Get(tensor.Name);
            Assert.Equal(tensor.Shape, copied.Shape);
            Assert.True(source.GetBytes(tensor).SequenceEqual(copy.GetBytes(copied)), $"{model}: tensor {tensor.Name} changed");
        }
    }

    [Theory]
    [InlineData("llama2")]
    public void ReadFloat32_Llama2Float32Weights_AreFiniteAndNotAllZero(string model)
    {
        var path = Path.Combine(PeerModels.Folder, model, "model.safetensors");
        using var file = SafetensorsFile.Open(path);

        Assert.Contains(file.Tensors, t => t.Name.EndsWith("embed_tokens.weight", StringComparison.Ordinal));
        foreach (var tensor in file.Tensors.Where(t => t.DType == TensorDType.F32))
        {
            var values = file.ReadFloat32(tensor);
            Assert.All(values, v => Assert.True(float.IsFinite(v)));
            Assert.Contains(values, v => v != 0f);
        }
    }

    [Theory]
    [InlineData("llama2.logits.safetensors")]
    public void Open_ReferenceLogitsFiles_Succeeds(string fileName)
    {
        using var file = SafetensorsFile.Open(Path.Combine(PeerModels.Folder, fileName));

        Assert.NotEmpty(file.Tensors);
        Assert.All(file.Tensors, t => Assert.Equal(t.ByteLength, file.GetBytes(t).Length));
    }
}
