using System.Diagnostics;
using System.Text.RegularExpressions;
using ModelGate.Torch.Runtime;

namespace ModelGate.Torch.Tests.Runtime;

public sealed partial class ElfVersionNeedPatcherTests
{
    private const string LibStdCxx = "libstdc++.so.6";

    [LinuxFact]
    public void Patch_RealLibrary_NeedsGlibcxx3432ForIosBaseLibraryInitOnly()
    {
        var bytes = File.ReadAllBytes(NativeTestFiles.LibTorchSharp());
        var needs = ElfVersionNeedPatcher.ReadVersionNeeds(bytes);

        Assert.Contains(needs, n => n.Library == LibStdCxx && n.Version == "GLIBCXX_3.4.32");
        Assert.Contains(needs, n => n.Library == LibStdCxx && n.Version == "GLIBCXX_3.4.30");
        Assert.All(needs, n => Assert.Equal(ElfVersionNeedPatcher.ElfHash(n.Version), n.Hash));

        var result = ElfVersionNeedPatcher.Patch(bytes, LibStdCxx, "GLIBCXX_3.4.32", "GLIBCXX_3.4.30");
        Assert.Equal(["_ZSt21ios_base_library_initv"], result.ClearedSymbols);
        Assert.Equal(0, result.RelocationsOnClearedSymbols);
    }

    [LinuxFact]
    public void Patch_RealLibrary_NoLongerNeedsTheWantedVersion()
    {
        var bytes = File.ReadAllBytes(NativeTestFiles.LibTorchSharp());
        var before = ElfVersionNeedPatcher.ReadVersionNeeds(bytes);
        var wanted = before.Single(n => n.Version == "GLIBCXX_3.4.32");

        var result = ElfVersionNeedPatcher.Patch(bytes, LibStdCxx, "GLIBCXX_3.4.32", "GLIBCXX_3.4.30");
        var after = ElfVersionNeedPatcher.ReadVersionNeeds(result.Image);

        Assert.Equal(bytes.Length, result.Image.Length);
        Assert.DoesNotContain(after, n => n.Version == "GLIBCXX_3.4.32");
        var repointed = after.Single(n => n.Index == wanted.Index);
        Assert.Equal("GLIBCXX_3.4.30", repointed.Version);
        Assert.Equal(ElfVersionNeedPatcher.ElfHash("GLIBCXX_3.4.30"), repointed.Hash);

        // Everything else is as it was: same entries, in the same order, with the same indexes.
        Assert.Equal(before.Where(n => n.Index != wanted.Index), after.Where(n => n.Index != wanted.Index));

        // Patching again finds nothing to patch, which also proves the first patch took.
        Assert.Throws<ArgumentException>(() => ElfVersionNeedPatcher.Patch(result.Image, LibStdCxx, "GLIBCXX_3.4.32", "GLIBCXX_3.4.30"));
    }

    [LinuxFact(RequiresTool = "readelf")]
    public void ReadVersionNeeds_BeforeAndAfterThePatch_AgreesWithReadelf()
    {
        var original = NativeTestFiles.LibTorchSharp();
        var bytes = File.ReadAllBytes(original);
        var patchedPath = Path.Combine(Path.GetTempPath(), $"modelgate-test-{Guid.NewGuid():N}.so");
        File.WriteAllBytes(patchedPath, ElfVersionNeedPatcher.Patch(bytes, LibStdCxx, "GLIBCXX_3.4.32", "GLIBCXX_3.4.30").Image);
        try
        {
            var readelfBefore = ReadelfVersionNeeds(original);
            var readelfAfter = ReadelfVersionNeeds(patchedPath);

            Assert.Contains((LibStdCxx, "GLIBCXX_3.4.32", 18), readelfBefore);
            Assert.DoesNotContain(readelfAfter, n => n.Version == "GLIBCXX_3.4.32");
            Assert.Equal(readelfBefore, ElfVersionNeedPatcher.ReadVersionNeeds(bytes).Select(n => (n.Library, n.Version, (int)n.Index)).ToList());
            Assert.Equal(readelfAfter, ElfVersionNeedPatcher.ReadVersionNeeds(File.ReadAllBytes(patchedPath)).Select(n => (n.Library, n.Version, (int)n.Index)).ToList());

            // readelf -V also decodes .gnu.version: the cleared symbol must no longer be tagged with the version.
            Assert.DoesNotContain("GLIBCXX_3.4.32", Run("readelf", "-VW", patchedPath), StringComparison.Ordinal);
            Assert.Contains("GLIBCXX_3.4.32", Run("readelf", "-VW", original), StringComparison.Ordinal);
        }
        finally
        {
            File.Delete(patchedPath);
        }
    }

    [LinuxFact]
    public void Patch_LeavesTheInputAndTheOriginalFileUntouched()
    {
        var path = NativeTestFiles.LibTorchSharp();
        var hashBefore = NativeTestFiles.Sha256(path);
        var bytes = File.ReadAllBytes(path);
        var copy = bytes.ToArray();

        var result = ElfVersionNeedPatcher.Patch(bytes, LibStdCxx, "GLIBCXX_3.4.32", "GLIBCXX_3.4.30");

        Assert.Equal(copy, bytes);
        Assert.NotEqual(bytes, result.Image);
        Assert.Equal(hashBefore, NativeTestFiles.Sha256(path));
    }

    [LinuxFact]
    public void ReadVersionDefinitions_LibStdCxx_ReadsTheVersionsItDefines()
    {
        var path = LibStdCxxLocator.Find();
        Assert.NotNull(path);
        var defined = ElfVersionNeedPatcher.ReadVersionDefinitions(File.ReadAllBytes(path));

        Assert.Contains("GLIBCXX_3.4", defined);
        Assert.Contains("CXXABI_1.3", defined);
        Assert.DoesNotContain(defined, d => d.StartsWith("libstdc++", StringComparison.Ordinal));
        if (OnPath("readelf"))
        {
            var readelf = VerdefName().Matches(Run("readelf", "-VW", path)).Select(m => m.Groups[1].Value).Where(n => n != "libstdc++.so.6");
            Assert.Equal(readelf.Distinct().Order(StringComparer.Ordinal), defined.Distinct().Order(StringComparer.Ordinal));
        }
    }

    [LinuxTheory]
    [InlineData(0)]
    [InlineData(3)]
    [InlineData(63)]
    [InlineData(64)]
    [InlineData(4096)]
    [InlineData(1 << 20)]
    public void Patch_TruncatedLibrary_IsRejectedWithAClearMessage(int length)
    {
        var bytes = File.ReadAllBytes(NativeTestFiles.LibTorchSharp())[..length];

        var error = Assert.Throws<InvalidDataException>(() => ElfVersionNeedPatcher.Patch(bytes, LibStdCxx, "GLIBCXX_3.4.32", "GLIBCXX_3.4.30"));
        Assert.StartsWith("Malformed ELF shared library: ", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void ReadVersionNeeds_Garbage_IsRejectedWithAClearMessage()
    {
        var garbage = new byte[4096];
        new Random(7).NextBytes(garbage);

        var error = Assert.Throws<InvalidDataException>(() => ElfVersionNeedPatcher.ReadVersionNeeds(garbage));
        Assert.Contains("no ELF magic number", error.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(4, 1, "not ELFCLASS64")]
    [InlineData(5, 2, "not little-endian")]
    public void ReadVersionNeeds_WrongClassOrByteOrder_IsRejected(int index, byte value, string expected)
    {
        var header = new byte[64];
        "\u007fELF"u8.CopyTo(header);
        header[4] = 2;
        header[5] = 1;
        header[6] = 1;
        header[index] = value;

        var error = Assert.Throws<InvalidDataException>(() => ElfVersionNeedPatcher.ReadVersionNeeds(header));
        Assert.Contains(expected, error.Message, StringComparison.Ordinal);
    }

    [LinuxFact]
    public void Patch_CorruptOffsets_NeverEscapeTheBuffer()
    {
        var original = File.ReadAllBytes(NativeTestFiles.LibTorchSharp());
        var random = new Random(11);

        // Smash the fields that hold offsets and counts (program headers, dynamic segment, version tables) with random
        // values: each attempt must either succeed or fail with InvalidDataException/ArgumentException, never crash.
        // 0x1d4b18 and 0x3f8f0 are the dynamic segment and .gnu.version_r of TorchSharp 0.107.0's file (readelf -d, -V).
        var phoff = (int)BitConverter.ToUInt64(original, 32);
        for (var attempt = 0; attempt < 300; attempt++)
        {
            var bytes = original.ToArray();
            var target = attempt % 3 switch
            {
                0 => phoff + random.Next(56 * 4),
                1 => 0x1d4b18 + random.Next(35 * 16),
                _ => 0x3f8f0 + random.Next(0x210),
            };
            bytes[target] = (byte)random.Next(256);
            bytes[target + 1] = (byte)random.Next(256);
            try
            {
                ElfVersionNeedPatcher.Patch(bytes, LibStdCxx, "GLIBCXX_3.4.32", "GLIBCXX_3.4.30");
            }
            catch (Exception e) when (e is InvalidDataException or ArgumentException)
            {
            }
        }
    }

    [Fact]
    public void ElfHash_MatchesTheValuesInARealLibrary()
    {
        // Reference values computed independently from the System V ABI definition of elf_hash.
        Assert.Equal(0x08922974u, ElfVersionNeedPatcher.ElfHash("GLIBCXX_3.4"));
        Assert.Equal(0x0297f840u, ElfVersionNeedPatcher.ElfHash("GLIBCXX_3.4.30"));
    }

    private static List<(string Library, string Version, int Index)> ReadelfVersionNeeds(string path)
    {
        var output = Run("readelf", "-VW", path);
        var section = output[output.IndexOf(".gnu.version_r", StringComparison.Ordinal)..];
        var result = new List<(string, string, int)>();
        var file = string.Empty;
        foreach (var line in section.Split('\n'))
        {
            var needed = NeedFile().Match(line);
            if (needed.Success)
            {
                file = needed.Groups[1].Value;
                continue;
            }

            var aux = NeedName().Match(line);
            if (aux.Success)
            {
                result.Add((file, aux.Groups[1].Value, int.Parse(aux.Groups[2].Value, System.Globalization.CultureInfo.InvariantCulture)));
            }
        }

        return result;
    }

    private static bool OnPath(string tool) =>
        (Environment.GetEnvironmentVariable("PATH") ?? string.Empty).Split(':').Any(d => File.Exists(Path.Combine(d, tool)));

    private static string Run(string tool, params string[] arguments)
    {
        var start = new ProcessStartInfo(tool) { RedirectStandardOutput = true, UseShellExecute = false };
        foreach (var argument in arguments)
        {
            start.ArgumentList.Add(argument);
        }

        using var process = Process.Start(start)!;
        var output = process.StandardOutput.ReadToEnd();
        process.WaitForExit();
        Assert.Equal(0, process.ExitCode);
        return output;
    }

    [GeneratedRegex(@"File: (\S+)\s+Cnt:")]
    private static partial Regex NeedFile();

    [GeneratedRegex(@"Name: (\S+)\s+Flags: \S+\s+Version: (\d+)")]
    private static partial Regex NeedName();

    [GeneratedRegex(@"Rev: \d+\s+Flags: \S+\s+Index: \d+\s+Cnt: \d+\s+Name: (\S+)")]
    private static partial Regex VerdefName();
}
