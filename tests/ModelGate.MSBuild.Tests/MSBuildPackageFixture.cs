using ModelGate.Demo;
using ModelGate.Testing;
using ModelGate.Testing.Packaging;

namespace ModelGate.MSBuild.Tests;

/// <summary>
/// Once per test class: the ModelGate.MSBuild package in a local feed, a NuGet packages folder of this run (so a
/// package of the same version restored earlier on this machine is never used instead), and a tiny base model with
/// a clean and an intruder adapter that sample projects copy.
/// </summary>
public sealed class MSBuildPackageFixture : IAsyncLifetime, IDisposable
{
    public const string IntruderModuleA = "model.layers.0.self_attn.q_proj";
    public const string IntruderModuleB = "model.layers.1.mlp.up_proj";

    private readonly TempDirectory _scratch = new();

    public string Feed { get; private set; } = "";

    /// <summary>The packed version, referenced exactly: a floating version would also ask nuget.org.</summary>
    public string PackageVersion { get; private set; } = "";

    public string Packages => Path.Combine(_scratch.Path, "packages");

    public string Models => Path.Combine(_scratch.Path, "models");

    /// <summary>Planted intruders in the intruder adapter: 3 in each of two modules.</summary>
    public const int PlantedIntruders = 6;

    public async Task InitializeAsync()
    {
        var baseFolder = Path.Combine(Models, "base");
        new TinyModelBuilder().Build(baseFolder);
        new LoraAdapterBuilder()
            .WithAlignedUpdate(IntruderModuleA)
            .WithAlignedUpdate(IntruderModuleB)
            .Build(baseFolder, Path.Combine(Models, "clean"));
        new LoraAdapterBuilder()
            .WithIntruders(IntruderModuleA, 3)
            .WithIntruders(IntruderModuleB, 3)
            .Build(baseFolder, Path.Combine(Models, "intruder"));

        Feed = await LocalFeed.WithPackageAsync("ModelGate.MSBuild", "src/ModelGate.MSBuild/ModelGate.MSBuild.csproj", _scratch.Path);
        PackageVersion = LocalFeed.VersionOf(Feed, "ModelGate.MSBuild");
    }

    public Task DisposeAsync() => Task.CompletedTask;

    // xunit calls Dispose after DisposeAsync, for fixtures and test classes alike.
    public void Dispose() => _scratch.Dispose();
}
