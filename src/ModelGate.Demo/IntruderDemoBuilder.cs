namespace ModelGate.Demo;

/// <summary>
/// The intruder demo's files: a tiny LLaMA-shaped base and two adapters on its q/v/down projections, one that only
/// strengthens directions the base already has (0 intruders) and one with 3 planted intruders in layer 0's q_proj
/// and down_proj (6 in all, which the default gate policy fails per module). `demo` and the tests build the same.
/// </summary>
public static class IntruderDemoBuilder
{
    public static IntruderDemo Build(string root)
    {
        var demo = new IntruderDemo(Path.Combine(root, "tiny-llama"), Path.Combine(root, "adapter-clean"), Path.Combine(root, "adapter-intruders"));
        var model = new TinyModelBuilder().Build(demo.BaseModel);
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

        clean.Build(demo.BaseModel, demo.CleanAdapter);
        intruders.Build(demo.BaseModel, demo.IntruderAdapter);
        return demo;
    }
}
