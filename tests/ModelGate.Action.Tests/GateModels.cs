using ModelGate.Demo;
using ModelGate.Testing;

namespace ModelGate.Action.Tests;

/// <summary>
/// A tiny base model and two adapters for it, as `demo` builds them: one that only strengthens directions the base
/// has (0 intruders, passes the default policy), one with 6 planted intruders (fails it: the total's fail level is 4).
/// </summary>
public sealed class GateModels : IDisposable
{
    private readonly TempDirectory _folder = new();
    private readonly IntruderDemo _demo;

    public GateModels()
    {
        _demo = IntruderDemoBuilder.Build(_folder.Path);
    }

    public string BaseModel => _demo.BaseModel;

    public string CleanAdapter => _demo.CleanAdapter;

    public string IntruderAdapter => _demo.IntruderAdapter;

    public void Dispose() => _folder.Dispose();
}
