using ModelGate.Core.Adapters;
using ModelGate.Demo;
using ModelGate.Testing;

namespace ModelGate.Cli.Tests;

public sealed class MitigateCommandTests
{
    [Fact]
    public async Task Mitigate_LambdaZero_WritesAnAdapterThatAnalysesClean()
    {
        using var dir = new TempDirectory();
        var model = new TinyModelBuilder().Build(dir.File("base"));
        new LoraAdapterBuilder().WithIntruders("model.layers.0.self_attn.q_proj", 3).WithAlignedUpdate("model.layers.1.self_attn.v_proj").Build(model.Folder, dir.File("a"));

        var (code, stdout, stderr) = await CliRunner.RunAsync("mitigate", "--base", model.Folder, "--adapter", dir.File("a"), "--lambda", "0", "--output", dir.File("repaired"));
        var (_, analysis, _) = await CliRunner.RunAsync("analyze", "--base", model.Folder, "--adapter", dir.File("repaired"));

        Assert.True(code == 0, stderr);
        Assert.Contains("1 modules changed; total intruders 3 → 0", stdout);
        Assert.Contains("8 → 11", stdout);
        Assert.Contains("no intruder dimensions in 0 of 2 modules", analysis);
        using var repaired = LoraAdapter.Load(dir.File("repaired"));
        Assert.Equal(11, repaired.Modules.Single(m => m.ModulePath.EndsWith("q_proj", StringComparison.Ordinal)).Rank);
    }

    [Fact]
    public async Task Mitigate_WithoutOutputOrDryRun_IsBadUsage()
    {
        var (code, _, stderr) = await CliRunner.RunAsync("mitigate", "--base", "b", "--adapter", "a");

        Assert.Equal(2, code);
        Assert.Contains("--output", stderr);
    }
}
