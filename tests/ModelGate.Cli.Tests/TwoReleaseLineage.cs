using ModelGate.Demo;
using ModelGate.Testing;

namespace ModelGate.Cli.Tests;

/// <summary>
/// A tiny base and two releases trained one after the other: 2 intruders in q_proj of layer 0, then 3 more in v_proj of
/// layer 1 (with an aligned update of the first), so the cumulative count is 2 after the first release and 5 after the
/// second.
/// </summary>
internal sealed class TwoReleaseLineage : IDisposable
{
    private readonly TempDirectory _dir = new();

    public TwoReleaseLineage()
    {
        Base = new TinyModelBuilder().Build(_dir.File("base")).Folder;
        Releases = new AdapterLineageBuilder()
            .Then(new LoraAdapterBuilder().WithIntruders("model.layers.0.self_attn.q_proj", 2))
            .Then(new LoraAdapterBuilder().WithIntruders("model.layers.1.self_attn.v_proj", 3).WithAlignedUpdate("model.layers.0.self_attn.q_proj"))
            .Build(Base, _dir.File("lineage"));
    }

    public string Base { get; }

    public IReadOnlyList<string> Releases { get; }

    /// <summary>A path in the fixture's folder, for a test's outputs.</summary>
    public string File(string name) => _dir.File(name);

    public void Dispose() => _dir.Dispose();
}
