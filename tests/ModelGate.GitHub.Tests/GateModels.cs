using ModelGate.Core.Synthetic;
using ModelGate.Testing;

namespace ModelGate.GitHub.Tests;

/// <summary>
/// A tiny base model and two adapters for it, as `demo` builds them: one that only strengthens directions the base
/// has (0 intruders, passes the default policy), one with 6 planted intruders (fails it: the total's fail level is 4).
/// </summary>
public sealed class GateModels : IDisposable
{
    private readonly TempDirectory _folder = new();

    public GateModels()
    {
        var model = new TinyModelBuilder().Build(BaseModel);
        var clean = new LoraAdapterBuilder();
        var intruders = new LoraAdapterBuilder();
        foreach (var module in model.LinearModules.Where(m => m.EndsWith("q_proj", StringComparison.Ordinal) || m.EndsWith("v_proj", StringComparison.Ordinal) || m.EndsWith("down_proj", StringComparison.Ordinal)))
        {
            clean.WithAlignedUpdate(module);
            if (module.StartsWith("model.layers.0.", StringComparison.Ordinal) && !module.EndsWith("v_proj", StringComparison.Ordinal))
            {
                intruders.WithIntruders(module, 3);
            }
            else
            {
                intruders.WithAlignedUpdate(module);
            }
        }

        clean.Build(BaseModel, CleanAdapter);
        intruders.Build(BaseModel, IntruderAdapter);
    }

    public string BaseModel => _folder.File("tiny-llama");

    public string CleanAdapter => _folder.File("adapter-clean");

    public string IntruderAdapter => _folder.File("adapter-intruders");

    public void Dispose() => _folder.Dispose();
}
