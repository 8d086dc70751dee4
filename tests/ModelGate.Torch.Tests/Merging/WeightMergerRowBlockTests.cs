using ModelGate.Core.Adapters;
using ModelGate.Core.Tensors;
using ModelGate.Demo;
using ModelGate.Testing;
using ModelGate.Torch.Merging;
using ModelGate.Torch.Runtime;
using static TorchSharp.torch;

namespace ModelGate.Torch.Tests.Merging;

/// <summary>The streaming merge (a block of rows at a time) must give the whole-matrix merge's values (to float32 rounding), block edges included.</summary>
public sealed class WeightMergerRowBlockTests
{
    [Theory]
    [InlineData(false, 5)]
    [InlineData(true, 7)]
    public void RowBlocks_StackedAdaptersInUnevenBlocks_EqualTheWholeMatrixMerge(bool dora, int blockRows)
    {
        using var dir = new TempDirectory();
        var model = new TinyModelBuilder { DType = TensorDType.BF16 }.Build(dir.File("base"));
        const string module = "model.layers.0.mlp.down_proj";
        new LoraAdapterBuilder { UseDora = dora }.WithIntruders(module, 2).Build(model.Folder, dir.File("first"));
        new LoraAdapterBuilder { Seed = 11 }.WithRandomUpdate(module).Build(model.Folder, dir.File("second"));
        using var weights = ModelWeights.Open(model.Folder);
        using var adapters = AdapterStack.Load([dir.File("first"), dir.File("second")]);
        var update = MergePlanner.Plan(weights, adapters.Adapters).Single(u => u.TensorName == module + ".weight");
        Assert.True(WeightMerger.MergesByRows(update));

        using var scope = NewDisposeScope();
        var w0 = TorchTensors.LoadFloat32(weights, update.Base, CPU);
        var whole = WeightMerger.ApplyChecked(w0, update, CPU);
        var merge = WeightMerger.RowBlocks(update, CPU);
        var rows = w0.shape[0];
        var blocks = new List<Tensor>();
        for (long start = 0; start < rows; start += blockRows)
        {
            var block = w0.narrow(0, start, Math.Min(blockRows, rows - start)).clone();
            merge(block, start);
            blocks.Add(block);
        }

        Assert.True(rows % blockRows != 0);
        Assert.InRange((cat(blocks, 0) - whole).abs().max().item<float>(), 0, 1e-6 * whole.abs().max().item<float>());
    }
}
