using ModelGate.Core.Tensors;
using ModelGate.Testing;

namespace ModelGate.Core.Tests.Tensors;

/// <summary>Files written by Hugging Face's own safetensors library, to catch any disagreement with the reference format.</summary>
public sealed class PeerModelFilesTests : IDisposable
{
    private readonly TempDirectory temp = new();

    public void Dispose() => temp.Dispose();

    public static TheoryData<string> Models() => PeerModels.Names();

    [Theory]
    [MemberData(nameof(Models))]
    public void Every_tensor_of_a_reference_model_loads_with_finite_values(string model)
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
    public void A_reference_model_copied_through_the_sharded_writer_keeps_every_byte(string model)
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
    public void Llama2_float32_weights_are_finite_and_not_all_zero(string model)
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
    public void Reference_logits_files_open(string fileName)
    {
        using var file = SafetensorsFile.Open(Path.Combine(PeerModels.Folder, fileName));

        Assert.NotEmpty(file.Tensors);
        Assert.All(file.Tensors, t => Assert.Equal(t.ByteLength, file.GetBytes(t).Length));
    }
}
