using ModelGate.Demo;
using ModelGate.Testing;
using ModelGate.Testing.Packaging;

namespace ModelGate.Cli.Tests;

/// <summary>A spectrum cache on a disk that fills part way through: every write that failed must take its temporary file with it.</summary>
public sealed class FullCacheDiskTests
{
    [TmpfsFact]
    public async Task Precompute_CacheDiskFillsUp_LeavesNoTemporaryFiles()
    {
        using var dir = new TempDirectory();
        var model = new TinyModelBuilder().Build(dir.File("base"));
        Directory.CreateDirectory(dir.File("disk"));
        var cli = Path.Combine(AppContext.BaseDirectory, "dotnet-intruder-gate.dll");

        // A 96 KiB disk holds two or three of the 33 KB spectra of the model's 14 matrices; the mount exists only
        // inside the shell, so the listing is taken there.
        var script = """
            mount -t tmpfs -o size=96k tmpfs "$1" || exit 90
            "$2" "$3" precompute --base "$4" --cache "$1/cache" --device cpu
            echo "exit $?"
            ls -a "$1/cache/spectra/v1"
            """;
        var result = await ChildProcess.RunAsync("unshare", ["-m", "sh", "-c", script, "sh", dir.File("disk"), ChildProcess.DotNet, cli, model.Folder], dir.Path, timeout: TimeSpan.FromMinutes(5));

        Assert.True(result.ExitCode == 0, result.Output);
        var listing = result.StandardOutput.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
        Assert.Contains(listing, l => l.EndsWith(".safetensors", StringComparison.Ordinal)); // the disk did hold some
        Assert.Contains("No space left on device", result.Output);            // and then filled up
        Assert.DoesNotContain(listing, l => l.Contains(".tmp-", StringComparison.Ordinal));
    }
}
