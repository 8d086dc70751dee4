using ModelGate.Demo;
using ModelGate.Testing;

namespace ModelGate.Cli.Tests;

/// <summary>The trained forgetting demo (base, an adapter that forgets, a mild one), built once for a test class: training takes seconds to a minute.</summary>
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
