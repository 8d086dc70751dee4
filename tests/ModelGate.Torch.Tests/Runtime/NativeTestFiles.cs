using ModelGate.Torch.Runtime;

namespace ModelGate.Torch.Tests.Runtime;

/// <summary>The real TorchSharp native library in this test run's output, found the way TorchRuntime finds it.</summary>
internal static class NativeTestFiles
{
    public static string LibTorchSharp()
    {
        var directories = TorchRuntime.NativeSearchDirectories(typeof(TorchSharp.torch).Assembly);
        var path = TorchRuntime.FindIn(directories, "libLibTorchSharp.so");
        Assert.True(path is not null, $"libLibTorchSharp.so not found in {string.Join(", ", directories)}");
        return path;
    }

    public static string Sha256(string path) => Convert.ToHexString(System.Security.Cryptography.SHA256.HashData(File.ReadAllBytes(path)));
}
