using System.Runtime.InteropServices;

namespace ModelGate.MSBuild.Tests;

public sealed class RunsOnTests
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
}
