using ModelGate.Torch.Runtime;

namespace ModelGate.Torch.Tests.Runtime;

public sealed class LibStdCxxCompatibilityTests
{
    private static readonly string[] Gcc12Versions =
        [.. Enumerable.Range(0, 31).Select(i => i == 0 ? "GLIBCXX_3.4" : $"GLIBCXX_3.4.{i}"), .. Enumerable.Range(0, 14).Select(i => i == 0 ? "CXXABI_1.3" : $"CXXABI_1.3.{i}")];

    [LinuxFact]
    public void Relax_AgainstGcc12Versions_TheGlibcxx3432NeedBecomes3430()
    {
        var bytes = File.ReadAllBytes(NativeTestFiles.LibTorchSharp());

        var patched = LibStdCxxCompatibility.Relax(bytes, "lib", "error", "libstdc++", Gcc12Versions.ToHashSet());

        var needs = ElfVersionNeedPatcher.ReadVersionNeeds(patched).Where(n => n.Library == "libstdc++.so.6").ToList();
        Assert.All(needs, n => Assert.Contains(n.Version, Gcc12Versions));
        Assert.Equal(2, needs.Count(n => n.Version == "GLIBCXX_3.4.30"));
    }

    [LinuxFact]
    public void Relax_MissingVersionWhoseSymbolsAreReallyCalled_IsRefused()
    {
        var bytes = File.ReadAllBytes(NativeTestFiles.LibTorchSharp());
        var gcc11 = Gcc12Versions.Where(v => v != "GLIBCXX_3.4.30").ToHashSet();

        // GLIBCXX_3.4.30 is needed for condition_variable::wait, which has a PLT relocation: clearing it would load
        // fine and crash at the first wait, so the user is told to upgrade instead.
        var error = Assert.Throws<NativeRuntimeException>(() => LibStdCxxCompatibility.Relax(bytes, "lib", "error", "libstdc++", gcc11));
        Assert.Contains("_ZNSt18condition_variable4waitERSt11unique_lockISt5mutexE", error.Message, StringComparison.Ordinal);
        Assert.Contains("GCC 13", error.Message, StringComparison.Ordinal);
    }

    [LinuxFact]
    public void Relax_NothingMissingFromLibStdCxx_PassesTheErrorOnNotPatched()
    {
        var bytes = File.ReadAllBytes(NativeTestFiles.LibTorchSharp());
        var everything = ElfVersionNeedPatcher.ReadVersionNeeds(bytes).Select(n => n.Version).ToHashSet();

        var error = Assert.Throws<NativeRuntimeException>(() => LibStdCxxCompatibility.Relax(bytes, "lib", "version `GLIBC_2.99' not found", "libstdc++", everything));
        Assert.Contains("GLIBC_2.99", error.Message, StringComparison.Ordinal);
    }

    [LinuxFact]
    public void Relax_MissingVersionWithNoOlderStandIn_AsksForANewerLibStdCxx()
    {
        var bytes = File.ReadAllBytes(NativeTestFiles.LibTorchSharp());
        var noCxxAbi = Gcc12Versions.Where(v => !v.StartsWith("CXXABI", StringComparison.Ordinal)).ToHashSet();

        var error = Assert.Throws<NativeRuntimeException>(() => LibStdCxxCompatibility.Relax(bytes, "lib", "error", "libstdc++", noCxxAbi));
        Assert.Contains("CXXABI_1.3", error.Message, StringComparison.Ordinal);
        Assert.Contains("GCC 13", error.Message, StringComparison.Ordinal);
        Assert.DoesNotContain('\n', error.Message);
    }
}
