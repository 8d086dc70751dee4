using ModelGate.Testing;

namespace ModelGate.Demo.Tests;

[Collection(TrainedModelsCollection.Name)]
public sealed class TinyLanguageModelTrainerTests
{
    [Fact]
    public void TrainBaseAndAdapter_SameSeed_WriteIdenticalFilesAndLowerTheLoss()
    {
        using var folder = new TempDirectory();
        var text = DemoCorpus.Prose(3, "trainer", 20_000);
        var tokenizer = ByteLevelBpe.Train([text], 300);
        var tokens = tokenizer.Encode(text);
        var settings = new TinyModelTrainingSettings { Hidden = 32, Intermediate = 64, Steps = 12, BatchSize = 4, SequenceLength = 32, LearningRate = 1e-2 };
        var lora = new LoraTrainingSettings { Rank = 2, Alpha = 4, Steps = 4, BatchSize = 2, SequenceLength = 16, TargetModules = ["q_proj", "down_proj"] };

        string[] Build(string name)
        {
            var run = TinyLanguageModelTrainer.TrainBase(tokenizer, tokens, settings, Path.Combine(folder.Path, name), CancellationToken.None);
            Assert.True(run.FinalLoss < run.FirstLoss, $"loss {run.FirstLoss} → {run.FinalLoss}");
            TinyLanguageModelTrainer.TrainAdapter(run.Folder, tokens, lora, Path.Combine(folder.Path, name + "-adapter"), "base", CancellationToken.None);
            return [Path.Combine(run.Folder, "model.safetensors"), Path.Combine(folder.Path, name + "-adapter", "adapter_model.safetensors")];
        }

        var first = Build("a");
        var second = Build("b");

        Assert.Equal(File.ReadAllBytes(first[0]), File.ReadAllBytes(second[0]));
        Assert.Equal(File.ReadAllBytes(first[1]), File.ReadAllBytes(second[1]));
    }
}
