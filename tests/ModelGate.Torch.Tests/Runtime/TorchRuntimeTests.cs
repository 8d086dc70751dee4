using System.Runtime.InteropServices;
using ModelGate.Torch.Runtime;
using TorchSharp;

namespace ModelGate.Torch.Tests.Runtime;

public sealed class TorchRuntimeTests
{
    [Fact]
    public void EnsureLoaded_RealSvd_ReconstructsItsInput()
    {
        TorchRuntime.EnsureLoaded();

        using var scope = torch.NewDisposeScope();
        torch.manual_seed(1234);
        var a = torch.randn(64, 48, dtype: torch.float32);
        var (u, s, vh) = torch.linalg.svd(a, fullMatrices: false);
        var reconstructed = u.matmul(torch.diag(s)).matmul(vh);

        Assert.Equal([64L, 48L], u.shape);
        Assert.Equal([48L], s.shape);
        Assert.Equal([48L, 48L], vh.shape);
        var maxError = (reconstructed - a).abs().max().item<float>();
        Assert.True(maxError < 1e-4f, $"max |U·diag(S)·Vh − A| = {maxError}");
    }

    [Fact]
    public void EnsureLoaded_AcrossThreads_IsIdempotent()
    {
        Parallel.For(0, 8, _ => TorchRuntime.EnsureLoaded());
        TorchRuntime.EnsureLoaded();

        Assert.Equal(DeviceType.CPU, torch.ones(2).device_type);
    }

    [LinuxFact]
    public void EnsureLoaded_TorchSharpsOwnByNameLoad_FindsTheLibraryThatWasLoaded()
    {
        TorchRuntime.EnsureLoaded();

        // This is the call TorchSharp's LoadNativeBackend makes; it does not consult DllImport resolvers.
        Assert.True(NativeLibrary.TryLoad("LibTorchSharp", typeof(torch).Assembly, null, out var handle));
        if (TorchRuntime.PatchedLibraryPath is { } patched)
        {
            Assert.Equal(NativeLibrary.Load(patched), handle);
            Assert.True(File.Exists(patched));
            Assert.DoesNotContain(
                ElfVersionNeedPatcher.ReadVersionNeeds(File.ReadAllBytes(patched)),
                n => n.Library == "libstdc++.so.6" && n.Version == "GLIBCXX_3.4.32");
        }
    }

    [LinuxFact]
    public void EnsureLoaded_LeavesTheOriginalLibraryUntouched()
    {
        var original = NativeTestFiles.LibTorchSharp();
        var before = NativeTestFiles.Sha256(original);

        TorchRuntime.EnsureLoaded();

        Assert.Equal(before, NativeTestFiles.Sha256(original));
        Assert.NotEqual(Path.GetDirectoryName(original), Path.GetDirectoryName(TorchRuntime.PatchedLibraryPath));
    }

    [LinuxFact]
    public void EnsureLoaded_LibStdCxxOlderThanGcc13_UsesThePatchedCopy()
    {
        var system = LibStdCxxLocator.Find();
        Assert.NotNull(system);
        var hasGcc13 = ElfVersionNeedPatcher.ReadVersionDefinitions(File.ReadAllBytes(system)).Contains("GLIBCXX_3.4.32");

        TorchRuntime.EnsureLoaded();

        Assert.Equal(hasGcc13, TorchRuntime.PatchedLibraryPath is null);
    }
}
