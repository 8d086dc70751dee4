using Microsoft.Extensions.DependencyInjection;
using ModelGate.Core.Errors;
using ModelGate.Core.Tensors;
using ModelGate.Demo;
using ModelGate.Forgetting.Models;
using ModelGate.Testing;

namespace ModelGate.Forgetting.Tests.Models;

public sealed class LanguageModelLoaderTests
{
    private static readonly LanguageModelOptions Cpu = new() { Device = "cpu" };

    [Fact]
    public void Load_UnsupportedModelType_ListsTheSupportedOnes()
    {
        using var folder = PeerVectors.CopyOfModel("llama2", config => config["model_type"] = "falcon");

        var error = Assert.Throws<UserInputException>(() => new LanguageModelLoader().Load(folder.Path, Cpu));

        Assert.Contains("model_type 'falcon' is not supported", error.Message);
        Assert.Contains("bert, gpt2, llama, mistral, qwen2, roberta", error.Message);
        Assert.Contains("config.json", error.Message);
    }

    [Fact]
    public void Load_ConfigPromisingMoreLayersThanStored_NamesTheMissingTensorAndFile()
    {
        using var folder = PeerVectors.CopyOfModel("llama2", config => config["num_hidden_layers"] = 3);

        var error = Assert.Throws<UserInputException>(() => new LanguageModelLoader().Load(folder.Path, Cpu));

        Assert.Contains("'model.layers.2.", error.Message);
        Assert.Contains("model.safetensors", error.Message);
    }

    [Fact]
    public void Load_ConfigWithWrongWidth_NamesTheTensorAndBothShapes()
    {
        using var folder = PeerVectors.CopyOfModel("gpt2", config => config["n_inner"] = 128);

        var error = Assert.Throws<UserInputException>(() => new LanguageModelLoader().Load(folder.Path, Cpu));

        Assert.Contains("'transformer.h.0.mlp.c_fc.weight' is [64, 256]", error.Message);
        Assert.Contains("[64, 128]", error.Message);
    }

    [Theory]
    [InlineData("float16")]
    [InlineData("int8")]
    public void Load_UnsupportedDType_SaysWhichAreAllowed(string dtype)
    {
        var error = Assert.Throws<UserInputException>(() => new LanguageModelLoader().Load(PeerVectors.ModelFolder("llama2"), Cpu with { DType = dtype }));

        Assert.Equal($"dtype '{dtype}' is not one of float32, bfloat16", error.Message);
    }

    [Fact]
    public void Load_FolderWithoutConfig_SaysConfigJsonIsMissing()
    {
        using var folder = new TempDirectory();

        var error = Assert.Throws<UserInputException>(() => new LanguageModelLoader().Load(folder.Path, Cpu));

        Assert.Contains("config.json", error.Message);
        Assert.Contains("not found", error.Message);
    }

    [Fact]
    public void Load_UnknownRopeType_NamesTheFieldAndTheSupportedTypes()
    {
        using var folder = PeerVectors.CopyOfModel("llama2", config => config["rope_parameters"]!["rope_type"] = "yarn");

        var error = Assert.Throws<UserInputException>(() => new LanguageModelLoader().Load(folder.Path, Cpu));

        Assert.Contains("rope_parameters", error.Message);
        Assert.Contains("'yarn'", error.Message);
        Assert.Contains("default, linear, llama3", error.Message);
    }

    [Fact]
    public void Load_ShardedCheckpoint_GivesTheSameLogitsAsOneFile()
    {
        using var folder = new TempDirectory();
        var single = new TinyModelBuilder { Vocab = 64, Seed = 5 }.Build(Path.Combine(folder.Path, "single")).Folder;
        var sharded = new TinyModelBuilder { Vocab = 64, Seed = 5, Shards = 3, DType = TensorDType.BF16 }.Build(Path.Combine(folder.Path, "sharded")).Folder;
        long[][] ids = [[1, 5, 9, 33, 2, 63, 7]];

        using var one = new LanguageModelLoader().Load(single, Cpu);
        using var three = new LanguageModelLoader().Load(sharded, Cpu);
        Assert.True(File.Exists(Path.Combine(sharded, ShardFileNames.IndexFileName)));

        // bf16 shards hold the same weights rounded, so the logits agree to bf16 precision, not bit for bit.
        var difference = ModelLogits.MaxAbsDifference(ModelLogits.Run(three, ids), ModelLogits.Run(one, ids));
        Assert.InRange(difference, 1e-9, 1e-2);
    }

    [Fact]
    public void AddModelGateForgetting_RegistersTheLoader()
    {
        var services = new ServiceCollection().AddModelGateForgetting();

        Assert.Contains(services, d => d.ServiceType == typeof(LanguageModelLoader) && d.Lifetime == ServiceLifetime.Singleton);
    }
}
