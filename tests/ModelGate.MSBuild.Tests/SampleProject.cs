using System.Security;
using ModelGate.Testing;
using ModelGate.Testing.Packaging;

namespace ModelGate.MSBuild.Tests;

/// <summary>
/// A consumer's project in a temp folder: models/base, adapters/clean and adapters/intruder copied from the fixture,
/// a nuget.config with the local feed and the usual source, and a csproj that references ModelGate.MSBuild and lists
/// the given IntruderGateAdapter items. Its Directory.*.props stop MSBuild from picking up anything above it.
/// </summary>
internal sealed class SampleProject : IDisposable
{
    private readonly TempDirectory _dir = new();
    private readonly MSBuildPackageFixture _fixture;

    public SampleProject(MSBuildPackageFixture fixture, string items, string properties = "")
    {
        _fixture = fixture;
        foreach (var (from, to) in new[] { ("base", "models/base"), ("clean", "adapters/clean"), ("intruder", "adapters/intruder") })
        {
            CopyFolder(Path.Combine(fixture.Models, from), File(to));
        }

        System.IO.File.WriteAllText(File("nuget.config"), $"""
            <?xml version="1.0" encoding="utf-8"?>
            <configuration>
              <packageSources>
                <clear />
                <add key="modelgate-local" value="{SecurityElement.Escape(fixture.Feed)}" />
                <add key="nuget.org" value="https://api.nuget.org/v3/index.json" protocolVersion="3" />
              </packageSources>
            </configuration>
            """);
        foreach (var isolating in new[] { "Directory.Build.props", "Directory.Build.targets", "Directory.Packages.props" })
        {
            System.IO.File.WriteAllText(File(isolating), "<Project />\n");
        }

        System.IO.File.WriteAllText(File("Sample.csproj"), $"""
            <Project Sdk="Microsoft.NET.Sdk">
              <PropertyGroup>
                <TargetFramework>net10.0</TargetFramework>
                {properties}
              </PropertyGroup>
              <ItemGroup>
                <PackageReference Include="ModelGate.MSBuild" Version="{fixture.PackageVersion}" PrivateAssets="all" />
                {items}
              </ItemGroup>
            </Project>
            """);
    }

    public string Folder => _dir.Path;

    public string File(string relative) => Path.Combine(_dir.Path, relative);

    /// <summary>The verdict the gate left for the adapter folder named <paramref name="name"/>.</summary>
    public string Verdict(string name) => File($"obj/Debug/net10.0/intruder-gate/{name}.verdict.json");

    /// <summary>A real `dotnet build` (normal verbosity: skipped targets are logged) in its own process.</summary>
    public Task<ProcessResult> BuildAsync(params string[] arguments) =>
        ChildProcess.RunAsync(
            ChildProcess.DotNet,
            ["build", File("Sample.csproj"), "-v:n", "-tl:off", "-nodeReuse:false", "-p:UseSharedCompilation=false", "-p:RestoreIgnoreFailedSources=true", .. arguments],
            Folder,
            new Dictionary<string, string?> { ["NUGET_PACKAGES"] = _fixture.Packages },
            TimeSpan.FromMinutes(5));

    public void Dispose() => _dir.Dispose();

    private static void CopyFolder(string from, string to)
    {
        Directory.CreateDirectory(to);
        foreach (var file in Directory.EnumerateFiles(from))
        {
            System.IO.File.Copy(file, Path.Combine(to, Path.GetFileName(file)));
        }
    }
}
