using ModelGate.Testing;
using ModelGate.Testing.Packaging;

namespace ModelGate.Templates.Tests;

/// <summary>
/// Once per test class: the ModelGate.Templates package installed from a local feed into a template hive of this run
/// (`--debug:custom-hive`), so neither the user's installed templates nor an older install take part.
/// </summary>
public sealed class TemplatePackageFixture : IAsyncLifetime, IDisposable
{
    private readonly TempDirectory _scratch = new();

    public string Hive => Path.Combine(_scratch.Path, "hive");

    public async Task InitializeAsync()
    {
        var feed = await LocalFeed.WithPackageAsync("ModelGate.Templates", "templates/dotnet-new/ModelGate.Templates.csproj", _scratch.Path);
        var package = Path.Combine(feed, $"ModelGate.Templates.{LocalFeed.VersionOf(feed, "ModelGate.Templates")}.nupkg");
        var install = await NewAsync(_scratch.Path, "install", package);
        if (install.ExitCode != 0)
        {
            throw new InvalidOperationException($"dotnet new install {package} failed:{Environment.NewLine}{install.Output}");
        }
    }

    /// <summary>`dotnet new &lt;arguments&gt;` against this fixture's hive, in <paramref name="folder"/>.</summary>
    public Task<ProcessResult> NewAsync(string folder, params string[] arguments) =>
        ChildProcess.RunAsync(ChildProcess.DotNet, ["new", .. arguments, "--debug:custom-hive", Hive], folder, timeout: TimeSpan.FromMinutes(3));

    public Task DisposeAsync() => Task.CompletedTask;

    // xunit calls Dispose after DisposeAsync, for fixtures and test classes alike.
    public void Dispose() => _scratch.Dispose();
}
