using Microsoft.Extensions.Logging.Abstractions;
using ModelGate.Core.Spectral;
using ModelGate.Core.Tensors;
using ModelGate.Demo;
using ModelGate.Testing;
using ModelGate.Torch.Spectral;

namespace ModelGate.Torch.Tests.Spectral;

public sealed class PlantedIntruderTests
{
    private static readonly IntruderAnalyzer Analyzer = new(NullLogger<IntruderAnalyzer>.Instance);

    [Theory]
    [InlineData(TensorDType.F32, 1, AnalysisMethod.Auto)]
    [InlineData(TensorDType.F32, 1, AnalysisMethod.FullSvd)]
    [InlineData(TensorDType.F16, 1, AnalysisMethod.Auto)]
    [InlineData(TensorDType.BF16, 3, AnalysisMethod.Auto)]
    [InlineData(TensorDType.BF16, 3, AnalysisMethod.FullSvd)]
    [InlineData(TensorDType.F32, 4, AnalysisMethod.Auto)]
    public async Task Analyze_AdapterWithPlantedIntruders_CountsEachOne(TensorDType dtype, int shards, string method)
    {
        using var dir = new TempDirectory();
        var model = new TinyModelBuilder { DType = dtype, Shards = shards }.Build(dir.File("base"));
        var builder = new LoraAdapterBuilder()
            .WithIntruders("model.layers.0.self_attn.q_proj", 3)
            .WithIntruders("model.layers.1.mlp.down_proj", 5)
            .WithIntruders("model.layers.1.mlp.gate_proj", 1)
            .WithAlignedUpdate("model.layers.0.self_attn.v_proj")
            .WithAlignedUpdate("model.layers.1.self_attn.o_proj");
        builder.Build(model.Folder, dir.File("adapter"));

        var report = await Analyzer.AnalyzeAdaptersAsync(model.Folder, [dir.File("adapter")], new AnalysisSettings { Method = method }, "cpu", null, CancellationToken.None);

        Assert.Equal(builder.PlantedIntruders.OrderBy(p => p.Key), report.Modules.Select(m => KeyValuePair.Create(m.Name, m.Intruders)).OrderBy(p => p.Key));
        Assert.Equal(9, report.TotalIntruders);
        Assert.Equal([new LayerIntruders(0, 2, 3), new LayerIntruders(1, 3, 6)], report.Layers);
        var q = report.Modules.Single(m => m.Name == "model.layers.0.self_attn.q_proj.weight");
        Assert.Equal([0, 1, 2], q.IntruderRanks);
        Assert.All(q.MaxCosines.Take(3), c => Assert.InRange(c, 0, 0.35));
        Assert.All(q.MaxCosines.Skip(3), c => Assert.InRange(c, 0.5, 1.0));
    }

    [Fact]
    public async Task Analyze_RsloraAndDoraAdapters_StillCountPlantedIntruders()
    {
        using var dir = new TempDirectory();
        var model = new TinyModelBuilder().Build(dir.File("base"));
        new LoraAdapterBuilder { UseRslora = true, Rank = 8, RankPattern = new Dictionary<string, int> { ["q_proj"] = 4 }, AdapterNameInKeys = "default" }
            .WithIntruders("model.layers.0.self_attn.q_proj", 4)
            .WithAlignedUpdate("model.layers.0.self_attn.k_proj")
            .Build(model.Folder, dir.File("rslora"));
        new LoraAdapterBuilder { UseDora = true }
            .WithIntruders("model.layers.1.self_attn.q_proj", 2)
            .WithAlignedUpdate("model.layers.1.self_attn.k_proj")
            .Build(model.Folder, dir.File("dora"));

        var rslora = await Analyzer.AnalyzeAdaptersAsync(model.Folder, [dir.File("rslora")], new AnalysisSettings(), "cpu", null, CancellationToken.None);
        var dora = await Analyzer.AnalyzeAdaptersAsync(model.Folder, [dir.File("dora")], new AnalysisSettings(), "cpu", null, CancellationToken.None);
        var both = await Analyzer.AnalyzeAdaptersAsync(model.Folder, [dir.File("rslora"), dir.File("dora")], new AnalysisSettings(), "cpu", null, CancellationToken.None);

        Assert.Equal(4, rslora.TotalIntruders);
        Assert.Equal(2, dora.TotalIntruders);
        Assert.Equal(6, both.TotalIntruders);
        Assert.Equal(4, both.Modules.Count);
    }

    [Theory]
    [InlineData(AnalysisMethod.Auto)]
    [InlineData(AnalysisMethod.FullSvd)]
    public async Task Analyze_FullFineTune_FindsNoIntruders(string method)
    {
        using var dir = new TempDirectory();
        var model = new TinyModelBuilder { Shards = 2 }.Build(dir.File("base"));
        new FineTunedModelBuilder().Build(model.Folder, dir.File("tuned"));

        var report = await Analyzer.AnalyzeFineTuneAsync(model.Folder, dir.File("tuned"), new AnalysisSettings { Method = method }, "cpu", null, CancellationToken.None);

        Assert.Equal(model.LinearModules.Count, report.Modules.Count);
        Assert.Equal(0, report.TotalIntruders);
        Assert.All(report.Modules, m => Assert.All(m.MaxCosines, c => Assert.True(c > 0.99, $"{m.Name}: {c}")));
    }

    [Fact]
    public async Task Analyze_ModulesFilterAndSettings_AreApplied()
    {
        using var dir = new TempDirectory();
        var model = new TinyModelBuilder().Build(dir.File("base"));
        new LoraAdapterBuilder()
            .WithIntruders("model.layers.0.self_attn.q_proj", 2)
            .WithIntruders("model.layers.0.mlp.up_proj", 2)
            .Build(model.Folder, dir.File("adapter"));

        var report = await Analyzer.AnalyzeAdaptersAsync(model.Folder, [dir.File("adapter")], new AnalysisSettings { K = 4, Epsilon = 0.9, Modules = "mlp" }, "cpu", null, CancellationToken.None);

        var module = Assert.Single(report.Modules);
        Assert.Equal("model.layers.0.mlp.up_proj.weight", module.Name);
        Assert.Equal(4, module.MaxCosines.Count);
        Assert.Equal(4, module.SingularValues.Count);
        Assert.Equal(module.MaxCosines.Count(c => c < 0.9), module.Intruders);
        Assert.Equal(EpsilonSweep.Count(module.MaxCosines), module.SweepCounts);
    }
}
