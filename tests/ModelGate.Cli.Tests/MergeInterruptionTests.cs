using ModelGate.Demo;
using ModelGate.Testing;

namespace ModelGate.Cli.Tests;

/// <summary>
/// A merge stopped part way, as users stop it: Ctrl+C (SIGINT) must clean up and say so; a kill -9 cannot, so the
/// next merge into the same folder must clear what it left.
/// </summary>
public sealed class MergeInterruptionTests
{
    private const int Layers = 32;

    private static readonly TimeSpan Deadline = TimeSpan.FromMinutes(2);

    [UnixFact]
    public async Task Merge_CtrlCPartWay_SaysCancelledExits130AndLeavesNothingBehind()
    {
        using var dir = new TempDirectory();
        var (model, adapter) = BuildSlowMerge(dir);
        Directory.CreateDirectory(dir.File("out"));
        using var merge = CliProcess.Start(dir.Path, "merge", "--base", model, "--adapter", adapter, "--output", dir.File("out/merged"), "--device", "cpu");
        await merge.WaitForErrorLineAsync(l => l.StartsWith("merge [3/", StringComparison.Ordinal), Deadline);

        merge.Signal("INT");
        var code = await merge.WaitForExitAsync(Deadline);

        Assert.True(code == 130, $"exit {code}:\n{merge.Error}");
        Assert.Contains("cancelled; nothing was written", merge.Error);
        Assert.Empty(Directory.EnumerateFileSystemEntries(dir.File("out")));
    }

    [UnixFact]
    public async Task Merge_AfterAMergeKilledPartWay_RemovesTheStagingFolderItLeft()
    {
        using var dir = new TempDirectory();
        var (model, adapter) = BuildSlowMerge(dir);
        Directory.CreateDirectory(dir.File("out"));
        using (var killed = CliProcess.Start(dir.Path, "merge", "--base", model, "--adapter", adapter, "--output", dir.File("out/first"), "--device", "cpu"))
        {
            await killed.WaitForErrorLineAsync(l => l.StartsWith("merge [3/", StringComparison.Ordinal), Deadline);
            killed.KillHard();
            await killed.WaitForExitAsync(Deadline);
        }

        Assert.Single(Directory.EnumerateDirectories(dir.File("out"), ".first.modelgate-*"));

        var (code, _, stderr) = await CliRunner.RunAsync("merge", "--base", model, "--adapter", adapter, "--output", dir.File("out/second"), "--device", "cpu");

        Assert.True(code == 0, stderr);
        Assert.Equal([dir.File("out/second")], Directory.EnumerateFileSystemEntries(dir.File("out")));
    }

    /// <summary>
    /// Some 290 tensors, 32 of them merged: a merge of about a second on an idle machine, still running when the
    /// signal lands, yet small matrices, so building it is quick.
    /// </summary>
    private static (string Model, string Adapter) BuildSlowMerge(TempDirectory dir)
    {
        var model = new TinyModelBuilder { Hidden = 64, Intermediate = 128, Layers = Layers }.Build(dir.File("base"));
        var adapter = new LoraAdapterBuilder();
        for (var layer = 0; layer < Layers; layer++)
        {
            adapter = adapter.WithRandomUpdate($"model.layers.{layer}.mlp.up_proj");
        }

        adapter.Build(model.Folder, dir.File("adapter"));
        return (model.Folder, dir.File("adapter"));
    }
}
