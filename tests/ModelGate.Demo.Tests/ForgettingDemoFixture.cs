using ModelGate.Testing;

namespace ModelGate.Demo.Tests;

/// <summary>Builds the forgetting demo once for all tests of a class (it trains three models: seconds, not milliseconds).</summary>
public sealed class ForgettingDemoFixture : IDisposable
{
    private readonly TempDirectory _folder = new();

    public ForgettingDemoFixture()
    {
        Demo = new ForgettingDemoBuilder().Build(Path.Combine(_folder.Path, "demo"), replace: false, CancellationToken.None);
    }

    public ForgettingDemo Demo { get; }

    public void Dispose() => _folder.Dispose();
}
