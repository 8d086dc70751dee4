using ModelGate.Testing;
using ModelGate.Testing.Packaging;

namespace ModelGate.Action.Tests;

/// <summary>
/// The tool as users get it: ModelGate.Tool packed into a local feed once per test class, or the feed CI packed
/// already (MODELGATE_PACKAGES, see <see cref="LocalFeed"/>).
/// </summary>
public sealed class PackedTool : IAsyncLifetime, IDisposable
{
    private const string PackageId = "ModelGate.Tool";
    private readonly TempDirectory _folder = new();

    public string Feed { get; private set; } = "";

    public string Version { get; private set; } = "";

    public async Task InitializeAsync()
    {
        Feed = await LocalFeed.WithPackageAsync(PackageId, "src/ModelGate.Cli/ModelGate.Cli.csproj", _folder.Path);
        Version = LocalFeed.VersionOf(Feed, PackageId);
    }

    public Task DisposeAsync() => Task.CompletedTask;

    // xunit calls Dispose after DisposeAsync, for fixtures and test classes alike.
    public void Dispose() => _folder.Dispose();
}
