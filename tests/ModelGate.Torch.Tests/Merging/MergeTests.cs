using Microsoft.Extensions.Logging.Abstractions;
using ModelGate.Core;
using ModelGate.Core.Adapters;
using ModelGate.Core.Errors;
using ModelGate.Core.Tensors;
using ModelGate.Demo;
using ModelGate.Testing;
using ModelGate.Torch.Merging;

namespace ModelGate.Torch.Tests.Merging;

public sealed class MergeTests
{
    private static readonly ModelMerger Merger = new(NullLogger<ModelMerger>.Instance);

    /// <summary>W + s·B·A by plain loops in double: independent of TorchSharp and of the code under test.</summary>
    private static double[] ExpectedMerge(float[] w, float[] a, float[] b, int rows, int cols, int rank, double scale)
    {
        var result = new double[rows * cols];
        for (var i = 0; i < rows; i++)
        {
            for (var j = 0; j < cols; j++)
            {
                double sum = 0;
                for (var k = 0; k < rank; k++)
                {
                    sum += (double)b[(i * rank) + k] * a[(k * cols) + j];
                }

                result[(i * cols) + j] = w[(i * cols) + j] + (scale * sum);
            }
        }

        return result;
    }

    [Theory]
    [InlineData(TensorDType.F32, 1, null)]
    [InlineData(TensorDType.BF16, 2, null)]
    [InlineData(TensorDType.F16, 3, "float32")]
    public void Merge_TwoAdapters_AddsEachScaledProductOnceAndKeepsLayout(TensorDType dtype, int shards, string? outputDType)
    {
        using var dir = new TempDirectory();
        var model = new TinyModelBuilder { DType = dtype, Shards = shards }.Build(dir.File("base"));
        new LoraAdapterBuilder { Alpha = 16 }.WithRandomUpdate("model.layers.0.self_attn.q_proj").WithIntruders("model.layers.1.mlp.down_proj", 2).Build(model.Folder, dir.File("a1"));
        new LoraAdapterBuilder { Alpha = 8, Rank = 4, UseRslora = true }.WithRandomUpdate("model.layers.0.self_attn.q_proj").Build(model.Folder, dir.File("a2"));

        var settings = new MergeSettings { DType = outputDType is null ? null : MergeSettings.ParseDType(outputDType) };
        Merger.Merge(model.Folder, [dir.File("a1"), dir.File("a2")], dir.File("out"), settings, "cpu", null, CancellationToken.None);

        using var baseWeights = ModelWeights.Open(model.Folder);
        using var merged = ModelWeights.Open(dir.File("out"));
        using var a1 = LoraAdapter.Load(dir.File("a1"));
        using var a2 = LoraAdapter.Load(dir.File("a2"));
        Assert.Equal(baseWeights.ShardFiles, merged.ShardFiles);
        Assert.Equal(shards > 1, File.Exists(Path.Combine(dir.File("out"), "model.safetensors.index.json")));

        var q = baseWeights.Get("model.layers.0.self_attn.q_proj.weight");
        var w = baseWeights.ReadFloat32(q);
        var m1 = a1.Modules.Single(m => m.ModulePath == "model.layers.0.self_attn.q_proj");
        var m2 = a2.Modules.Single();
        var step1 = ExpectedMerge(w, a1.Weights.ReadFloat32(m1.A), a1.Weights.ReadFloat32(m1.B), 64, 64, 8, 16.0 / 8);
        var expected = ExpectedMerge(step1.Select(v => (float)v).ToArray(), a2.Weights.ReadFloat32(m2.A), a2.Weights.ReadFloat32(m2.B), 64, 64, 4, 8 / Math.Sqrt(4));
        var actual = merged.ReadFloat32(merged.Get(q.Name));

        var outType = settings.DType ?? dtype;
        Assert.Equal(outType, merged.Get(q.Name).DType);
        var tolerance = outType switch { TensorDType.BF16 => 1e-2, TensorDType.F16 => 1e-3, _ => 1e-5 } * expected.Max(Math.Abs);
        Assert.All(actual.Zip(expected), p => Assert.True(Math.Abs(p.First - p.Second) <= tolerance, $"{p.First} vs {p.Second}"));

        // Untouched tensors are copied bit for bit when the dtype is kept.
        var norm = baseWeights.Get("model.layers.0.input_layernorm.weight");
        if (settings.DType is null)
        {
            Assert.Equal(baseWeights.GetBytes(norm).ToArray(), merged.GetBytes(merged.Get(norm.Name)).ToArray());
        }
    }

    [Fact]
    public void Merge_AdapterForAnotherModel_FailsAndLeavesNothingBehind()
    {
        using var dir = new TempDirectory();
        var small = new TinyModelBuilder().Build(dir.File("small"));
        var wide = new TinyModelBuilder { Hidden = 96, Intermediate = 192 }.Build(dir.File("wide"));
        new LoraAdapterBuilder().WithRandomUpdate("model.layers.0.self_attn.q_proj").Build(wide.Folder, dir.File("adapter"));

        var e = Assert.Throws<UserInputException>(() =>
            Merger.Merge(small.Folder, [dir.File("adapter")], dir.File("out"), new MergeSettings(), "cpu", null, CancellationToken.None));

        Assert.Contains("model.layers.0.self_attn.q_proj", e.Message);
        Assert.Contains("[96, 96]", e.Message);
        Assert.Contains("[64, 64]", e.Message);
        Assert.Equal(["adapter", "small", "wide"], Directory.EnumerateFileSystemEntries(dir.Path).Select(Path.GetFileName).Order());
    }

    [Fact]
    public void Merge_ExistingOutput_RefusedWithoutForceAndReplacedWithIt()
    {
        using var dir = new TempDirectory();
        var model = new TinyModelBuilder().Build(dir.File("base"));
        new LoraAdapterBuilder().WithRandomUpdate("model.layers.0.self_attn.q_proj").Build(model.Folder, dir.File("adapter"));
        Directory.CreateDirectory(dir.File("out"));
        File.WriteAllText(Path.Combine(dir.File("out"), "keep.txt"), "precious");

        var e = Assert.Throws<UserInputException>(() =>
            Merger.Merge(model.Folder, [dir.File("adapter")], dir.File("out"), new MergeSettings(), "cpu", null, CancellationToken.None));
        Assert.Equal(InputField.Output, e.Field);
        Assert.Contains("folder exists and is not empty; force the replacement", e.Message);
        Assert.True(File.Exists(Path.Combine(dir.File("out"), "keep.txt")));

        Merger.Merge(model.Folder, [dir.File("adapter")], dir.File("out"), new MergeSettings { Force = true }, "cpu", null, CancellationToken.None);
        Assert.False(File.Exists(Path.Combine(dir.File("out"), "keep.txt")));
        Assert.True(File.Exists(Path.Combine(dir.File("out"), "model.safetensors")));
        Assert.Equal(["adapter", "base", "out"], Directory.EnumerateFileSystemEntries(dir.Path).Select(Path.GetFileName).Order());
    }

    [Fact]
    public void Merge_Cancelled_LeavesNoOutput()
    {
        using var dir = new TempDirectory();
        var model = new TinyModelBuilder().Build(dir.File("base"));
        new LoraAdapterBuilder().WithRandomUpdate("model.layers.0.self_attn.q_proj").Build(model.Folder, dir.File("adapter"));
        using var cts = new CancellationTokenSource();
        var progress = new CallbackProgress(p =>
        {
            if (p.Completed == 3)
            {
                cts.Cancel();
            }
        });

        Assert.ThrowsAny<OperationCanceledException>(() =>
            Merger.Merge(model.Folder, [dir.File("adapter")], dir.File("out"), new MergeSettings(), "cpu", progress, cts.Token));

        Assert.Equal(["adapter", "base"], Directory.EnumerateFileSystemEntries(dir.Path).Select(Path.GetFileName).Order());
    }

    private sealed class CallbackProgress(Action<WorkProgress> report) : IProgress<WorkProgress>
    {
        public void Report(WorkProgress value) => report(value);
    }
}
