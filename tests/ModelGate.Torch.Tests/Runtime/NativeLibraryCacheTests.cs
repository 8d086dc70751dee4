using System.Runtime.Versioning;
using ModelGate.Torch.Runtime;

namespace ModelGate.Torch.Tests.Runtime;

[UnsupportedOSPlatform("windows")]
public sealed class NativeLibraryCacheTests : IDisposable
{
    private readonly string _root = Path.Combine(Path.GetTempPath(), $"modelgate-cache-test-{Guid.NewGuid():N}");

    public void Dispose() => Directory.Delete(_root, recursive: true);

    [Fact]
    public void Store_WritesUnderNativeAndAHashOfTheOriginal()
    {
        byte[] original = [1, 2, 3];
        byte[] patched = [4, 5, 6];

        var path = NativeLibraryCache.Store("libX.so", original, patched, [_root]);

        var key = Convert.ToHexStringLower(System.Security.Cryptography.SHA256.HashData(original))[..16];
        Assert.Equal(Path.Combine(_root, "native", key, "libX.so"), path);
        Assert.Equal(patched, File.ReadAllBytes(path));
    }

    [Fact]
    public void Store_Concurrently_LeavesOneCompleteFileAndNoTemporaries()
    {
        var patched = new byte[1 << 20];
        new Random(3).NextBytes(patched);

        var paths = new string[16];
        Parallel.For(0, paths.Length, i => paths[i] = NativeLibraryCache.Store("libX.so", [9], patched, [_root]));

        Assert.Single(paths.Distinct());
        Assert.Equal(patched, File.ReadAllBytes(paths[0]));
        Assert.Equal(["libX.so"], Directory.GetFiles(Path.GetDirectoryName(paths[0])!).Select(Path.GetFileName));
    }

    [Fact]
    public void Store_StaleFile_IsReplaced()
    {
        var first = NativeLibraryCache.Store("libX.so", [1], [1, 1], [_root]);
        File.WriteAllBytes(first, [0]);

        var second = NativeLibraryCache.Store("libX.so", [1], [1, 1], [_root]);

        Assert.Equal(first, second);
        Assert.Equal([1, 1], File.ReadAllBytes(second));
    }

    [Fact]
    public void Store_UnwritableRoot_FallsBackToTheNextOne()
    {
        Directory.CreateDirectory(_root);
        var notAFolder = Path.Combine(_root, "file");
        File.WriteAllBytes(notAFolder, []);

        var path = NativeLibraryCache.Store("libX.so", [1], [2], [notAFolder, Path.Combine(_root, "fallback")]);

        Assert.StartsWith(Path.Combine(_root, "fallback"), path, StringComparison.Ordinal);
    }

    [Fact]
    public void Store_NoWritableRoot_NamesTheEnvironmentVariable()
    {
        Directory.CreateDirectory(_root);
        var notAFolder = Path.Combine(_root, "file");
        File.WriteAllBytes(notAFolder, []);

        var error = Assert.Throws<NativeRuntimeException>(() => NativeLibraryCache.Store("libX.so", [1], [2], [notAFolder]));

        Assert.Contains("MODELGATE_CACHE", error.Message, StringComparison.Ordinal);
        Assert.DoesNotContain('\n', error.Message);
    }
}
