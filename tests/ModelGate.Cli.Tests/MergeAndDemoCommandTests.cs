using ModelGate.Core.Tensors;
using ModelGate.Demo;
using ModelGate.Testing;

namespace ModelGate.Cli.Tests;

public sealed class MergeAndDemoCommandTests
{
    [Fact]
    public async Task Merge_TwoAdapters_WritesACompleteModelFolder()
    {
        using var dir = new TempDirectory();
        var model = new TinyModelBuilder { Shards = 2, DType = TensorDType.BF16 }.Build(dir.File("base"));
        new LoraAdapterBuilder().WithRandomUpdate("model.layers.0.self_attn.q_proj").Build(model.Folder, dir.File("a1"));
        new LoraAdapterBuilder().WithRandomUpdate("model.layers.1.mlp.up_proj").Build(model.Folder, dir.File("a2"));

        var (code, stdout, stderr) = await CliRunner.RunAsync("merge", "--base", model.Folder, "--adapter", dir.File("a1"), "--adapter", dir.File("a2"), "--output", dir.File("merged"), "--dtype", "float32");

        Assert.True(code == 0, stderr);
        Assert.Contains("merged 2 of 21 tensors", stdout);
        Assert.True(File.Exists(Path.Combine(dir.File("merged"), "config.json")));
        Assert.True(File.Exists(Path.Combine(dir.File("merged"), "model.safetensors.index.json")));
        Assert.Contains("\"float32\"", File.ReadAllText(Path.Combine(dir.File("merged"), "config.json")));
        using var merged = ModelWeights.Open(dir.File("merged"));
        Assert.All(merged.Tensors, t => Assert.Equal(TensorDType.F32, t.DType));
    }

    [Fact]
    public async Task Merge_MissingRequiredOption_IsBadUsage()
    {
        var (code, _, stderr) = await CliRunner.RunAsync("merge", "--base", "x", "--adapter", "y");

        Assert.Equal(2, code);
        Assert.Contains("--output", stderr);
    }

    [Fact]
    public async Task Demo_EmbeddedDefault_ShowsCleanAndIntrudedAdapters()
    {
        using var dir = new TempDirectory();

        var (code, stdout, stderr) = await CliRunner.RunAsync("demo", "--folder", dir.Path);

        Assert.True(code == 0, stderr);
        var clean = stdout.IndexOf("== clean adapter", StringComparison.Ordinal);
        var intruded = stdout.IndexOf("== adapter with planted intruders", StringComparison.Ordinal);
        Assert.True(clean >= 0 && intruded > clean, stdout);
        Assert.Contains("no intruder dimensions in 0 of 6 modules", stdout[clean..intruded]);
        Assert.Contains("6 intruder dimensions in 2 of 6 modules", stdout[intruded..]);
    }
}
