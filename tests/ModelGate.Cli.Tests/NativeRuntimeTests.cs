using ModelGate.Demo;
using ModelGate.Testing;
using ModelGate.Torch.Runtime;

namespace ModelGate.Cli.Tests;

/// <summary>
/// Nothing in the tool calls a "load libtorch first" by hand (issue #16): TorchSharp's native library loads itself
/// on first use. A fresh process with an empty cache shows it: on a libstdc++ older than GCC 13's (Debian 12, Ubuntu
/// 22.04) the analysis only works if the patched copy is made at the moment TorchSharp asks, and it is made in that
/// process's cache.
/// </summary>
public sealed class NativeRuntimeTests : IDisposable
{
    private readonly TempDirectory _dir = new();

    public void Dispose() => _dir.Dispose();

    [Fact]
    public async Task Analyze_FreshProcessAndEmptyCache_LoadsTheNativeLibraryOnFirstUse()
    {
        var baseModel = new TinyModelBuilder().Build(_dir.File("base")).Folder;
        var adapter = new LoraAdapterBuilder().WithIntruders("model.layers.0.self_attn.q_proj", 2).Build(baseModel, _dir.File("adapter"));
        var cache = _dir.File("empty-cache");
        // This process tells whether this machine needs the patched copy at all.
        TorchRuntime.EnsureLoaded();

        using var cli = CliProcess.Start(_dir.Path, new Dictionary<string, string> { ["MODELGATE_CACHE"] = cache },
            "analyze", "--base", baseModel, "--adapter", adapter, "--method", "full-svd", "--device", "cpu");
        var code = await cli.WaitForExitAsync(TimeSpan.FromMinutes(2));

        Assert.True(code == 0, cli.Error);
        var patched = Directory.Exists(cache) ? Directory.GetFiles(cache, "libLibTorchSharp.so", SearchOption.AllDirectories) : [];
        Assert.Equal(TorchRuntime.PatchedLibraryPath is null ? 0 : 1, patched.Length);
    }
}
