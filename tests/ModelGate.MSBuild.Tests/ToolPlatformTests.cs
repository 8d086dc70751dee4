using System.Runtime.InteropServices;
using ModelGate.Testing;

namespace ModelGate.MSBuild.Tests;

public sealed class ToolPlatformTests
{
    [Fact]
    public void RunsOn_ThisMachinesRid_IsTrue() => Assert.True(RunIntruderGate.RunsOn(RuntimeInformation.RuntimeIdentifier));

    [Fact]
    public void RunsOn_AnotherArchitecture_IsFalse()
    {
        var other = RuntimeInformation.OSArchitecture == Architecture.Arm64 ? "x64" : "arm64";
        Assert.False(RunIntruderGate.RunsOn((OperatingSystem.IsLinux() ? "linux-" : OperatingSystem.IsWindows() ? "win-" : "osx-") + other));
    }

    [Fact]
    public void RunsOn_AnotherOperatingSystem_IsFalse() => Assert.False(RunIntruderGate.RunsOn(OperatingSystem.IsWindows() ? "linux-x64" : "win-x64"));

    [Theory]
    [InlineData(".NETCoreApp,Version=v10.0/linux-x64", "linux-x64")]
    [InlineData(".NETCoreApp,Version=v10.0/win-x64", "win-x64")]
    [InlineData(".NETCoreApp,Version=v10.0", null)]
    public void PublishedRuntimeIdentifier_ReadsTheDepsFilesRuntimeTarget(string target, string? expected)
    {
        using var dir = new TempDirectory();
        File.WriteAllText(dir.File("dotnet-intruder-gate.deps.json"), $$"""{ "runtimeTarget": { "name": "{{target}}", "signature": "" } }""");

        Assert.Equal(expected, RunIntruderGate.PublishedRuntimeIdentifier(dir.File("dotnet-intruder-gate.dll")));
    }

    [Fact]
    public void PublishedRuntimeIdentifier_NoDepsFile_IsUnknown()
    {
        using var dir = new TempDirectory();

        Assert.Null(RunIntruderGate.PublishedRuntimeIdentifier(dir.File("dotnet-intruder-gate.dll")));
    }
}
