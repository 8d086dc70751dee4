using System.Diagnostics;
using ModelGate.Demo;
using ModelGate.Testing;

namespace ModelGate.Cli.Tests;

/// <summary>
/// Devices and pipes report length 0, so a size check passes them and a read never ends (or, for a FIFO, never
/// starts). Each input must be refused as bad input at once; the deadline turns a hang into a failure instead of a
/// stuck test run.
/// </summary>
public sealed class NonRegularInputTests
{
    private static readonly TimeSpan Deadline = TimeSpan.FromSeconds(30);

    [UnixFact]
    public async Task Analyze_AdapterConfigLinkedToDevZero_IsRefusedAsBadInput()
    {
        using var dir = new TempDirectory();
        var adapter = BuildAdapter(dir);
        File.Delete(Path.Combine(adapter, "adapter_config.json"));
        File.CreateSymbolicLink(Path.Combine(adapter, "adapter_config.json"), "/dev/zero");

        var (code, _, stderr) = await RunWithDeadline("analyze", "--base", dir.File("base"), "--adapter", adapter, "--device", "cpu");

        Assert.Equal(2, code);
        Assert.Contains("adapter_config.json: is a device, not a regular file", stderr);
    }

    [UnixFact]
    public async Task Analyze_AdapterConfigIsAFifo_IsRefusedWithoutBlocking()
    {
        using var dir = new TempDirectory();
        var adapter = BuildAdapter(dir);
        File.Delete(Path.Combine(adapter, "adapter_config.json"));
        MakeFifo(Path.Combine(adapter, "adapter_config.json"));

        var (code, _, stderr) = await RunWithDeadline("analyze", "--base", dir.File("base"), "--adapter", adapter, "--device", "cpu");

        Assert.Equal(2, code);
        Assert.Contains("adapter_config.json: is a FIFO (named pipe), not a regular file", stderr);
    }

    [UnixFact]
    public async Task Merge_WeightsFileIsAFifo_IsRefusedWithoutBlocking()
    {
        using var dir = new TempDirectory();
        var adapter = BuildAdapter(dir);
        File.Delete(dir.File("base/model.safetensors"));
        MakeFifo(dir.File("base/model.safetensors"));

        var (code, _, stderr) = await RunWithDeadline("merge", "--base", dir.File("base"), "--adapter", adapter, "--output", dir.File("merged"), "--device", "cpu");

        Assert.Equal(2, code);
        Assert.Contains("model.safetensors: is a FIFO (named pipe), not a regular file", stderr);
        Assert.False(Directory.Exists(dir.File("merged")));
    }

    [UnixFact]
    public async Task Gate_PolicyIsDevZero_IsRefusedAsBadInput()
    {
        using var dir = new TempDirectory();
        var adapter = BuildAdapter(dir);

        var (code, _, stderr) = await RunWithDeadline("gate", "--base", dir.File("base"), "--adapter", adapter, "--policy", "/dev/zero", "--device", "cpu");

        Assert.Equal(2, code);
        Assert.Contains("/dev/zero: is a device, not a regular file; a policy file must be a regular file", stderr);
    }

    [UnixTheory]
    [InlineData("--corpus", "a corpus file")]
    [InlineData("--tasks", "a task file")]
    public async Task Forgetting_DataFileIsDevZero_IsRefusedAsBadInput(string option, string what)
    {
        using var dir = new TempDirectory();
        File.WriteAllText(dir.File("ok.txt"), "some text");
        string[] data = option == "--corpus" ? ["--corpus", "/dev/zero"] : ["--corpus", dir.File("ok.txt"), "--tasks", "/dev/zero"];

        var (code, _, stderr) = await RunWithDeadline(["forgetting", "--base", dir.Path, "--adapter", dir.Path, "--device", "cpu", .. data]);

        Assert.Equal(2, code);
        Assert.Contains($"/dev/zero: is a device, not a regular file; {what} must be a regular file", stderr);
    }

    [UnixFact]
    public async Task AnyVerb_SettingsFileIsAFifo_IsRefusedWithoutBlocking()
    {
        using var dir = new TempDirectory();
        MakeFifo(dir.File("modelgate.json"));

        var (code, _, stderr) = await RunWithDeadline("--config", dir.File("modelgate.json"), "cache", "list");

        Assert.Equal(2, code);
        Assert.Contains("modelgate.json: is a FIFO (named pipe), not a regular file; a settings file must be a regular file", stderr);
    }

    private static string BuildAdapter(TempDirectory dir)
    {
        var model = new TinyModelBuilder().Build(dir.File("base"));
        new LoraAdapterBuilder().WithRandomUpdate("model.layers.0.self_attn.q_proj").Build(model.Folder, dir.File("adapter"));
        return dir.File("adapter");
    }

    private static async Task<(int ExitCode, string Out, string Error)> RunWithDeadline(params string[] args)
    {
        var clock = Stopwatch.StartNew();
        var result = await Task.Run(() => CliRunner.RunAsync(args)).WaitAsync(Deadline);
        Assert.True(clock.Elapsed < Deadline, $"took {clock.Elapsed}");
        return result;
    }

    private static void MakeFifo(string path)
    {
        using var mkfifo = Process.Start(new ProcessStartInfo("mkfifo", [path]) { UseShellExecute = false })!;
        mkfifo.WaitForExit();
        Assert.Equal(0, mkfifo.ExitCode);
    }
}
