using Microsoft.Extensions.Logging.Abstractions;
using ModelGate.Core.Errors;
using ModelGate.Core.Lineage;
using ModelGate.Core.Spectral;
using ModelGate.Demo;
using ModelGate.Testing;
using ModelGate.Torch.Lineage;
using ModelGate.Torch.Spectral;

namespace ModelGate.Torch.Tests.Lineage;

public sealed class LineageAnalyzerTests : IDisposable
{
    private const string Q0 = "model.layers.0.self_attn.q_proj";
    private const string V1 = "model.layers.1.self_attn.v_proj";
    private const string Up0 = "model.layers.0.mlp.up_proj";

    private static readonly IntruderAnalyzer Intruders = new(NullLogger<IntruderAnalyzer>.Instance);
    private static readonly LineageAnalyzer Analyzer = new(Intruders, NullLogger<LineageAnalyzer>.Instance);

    private readonly TempDirectory _dir = new();
    private readonly string _base;

    public LineageAnalyzerTests() => _base = new TinyModelBuilder().Build(_dir.File("base")).Folder;

    public void Dispose() => _dir.Dispose();

    [Theory]
    [InlineData(AnalysisMethod.Auto)]
    [InlineData(AnalysisMethod.FullSvd)]
    public async Task Lineage_ReleasesPlantingInDifferentModules_AccumulateAndEachCountsOnlyItsOwn(string method)
    {
        var releases = new AdapterLineageBuilder()
            .Then(new LoraAdapterBuilder().WithIntruders(Q0, 2))
            .Then(new LoraAdapterBuilder().WithIntruders(V1, 3))
            .Then(new LoraAdapterBuilder().WithIntruders(Up0, 2))
            .Build(_base, _dir.File("lineage"));

        var report = await AnalyzeAsync(releases, new AnalysisSettings { Method = method });

        Assert.Equal([1, 2, 3], report.Steps.Select(s => s.Step));
        Assert.Equal(releases, report.Steps.Select(s => s.Adapter));
        Assert.Equal([2, 5, 7], report.Steps.Select(s => s.TotalCumulative));
        Assert.Equal([2, 3, 2], report.Steps.Select(s => s.TotalNew));
        Assert.Equal([2, 3, 2], report.Steps.Select(s => s.Growth));
        Assert.All(report.Steps, s => Assert.True(s.Grew));
        Assert.Equal(7, report.TotalCumulative);
        Assert.Equal(3, report.MaxGrowth);
        Assert.Equal([new LineageLayer(0, 2, 2)], report.Steps[0].Layers);
        Assert.Equal([new LineageLayer(0, 2, 0), new LineageLayer(1, 3, 3)], report.Steps[1].Layers);
        Assert.Equal([new LineageLayer(0, 4, 2), new LineageLayer(1, 3, 0)], report.Steps[2].Layers);
        Assert.Equal(
            [
                new LineageModule(Up0 + ".weight", 0, 2, 2, true),
                new LineageModule(Q0 + ".weight", 0, 2, 0, false),
                new LineageModule(V1 + ".weight", 1, 3, 0, false),
            ],
            report.Steps[2].Modules.OrderBy(m => m.Layer).ThenBy(m => m.Name, StringComparer.Ordinal));
        Assert.Equal([Up0 + ".weight"], report.Steps[2].NewDetails.Select(d => d.Name));
        Assert.All(report.Steps.SelectMany(s => s.NewDetails), d => Assert.Equal(AnalysisMethod.FullSvd, d.Method));
    }

    [Fact]
    public async Task Lineage_ReleaseThatOnlyStrengthensExistingDirections_AddsNothingNewAndKeepsTheTotal()
    {
        var releases = new AdapterLineageBuilder()
            .Then(new LoraAdapterBuilder().WithIntruders(Q0, 2))
            .Then(new LoraAdapterBuilder().WithAlignedUpdate(Q0).WithAlignedUpdate(V1))
            .Build(_base, _dir.File("lineage"));

        var report = await AnalyzeAsync(releases, new AnalysisSettings());

        var aligned = report.Steps[1];
        Assert.Equal(2, aligned.TotalCumulative);
        Assert.Equal(0, aligned.TotalNew);
        Assert.Equal(0, aligned.Growth);
        Assert.False(aligned.Grew);
        Assert.All(aligned.Modules, m => Assert.True(m.ChangedByStep));
    }

    [Fact]
    public async Task Lineage_SecondReleasePlantingInTheSameModule_CountsTheFirstReleasesIntrudersAsOld()
    {
        var releases = new AdapterLineageBuilder()
            .Then(new LoraAdapterBuilder().WithIntruders(Q0, 2))
            .Then(new LoraAdapterBuilder { Seed = 11 }.WithIntruders(Q0, 2))
            .Build(_base, _dir.File("lineage"));

        var report = await AnalyzeAsync(releases, new AnalysisSettings());

        Assert.Equal([2, 4], report.Steps.Select(s => s.TotalCumulative));
        Assert.Equal([2, 2], report.Steps.Select(s => s.TotalNew));
        var q = Assert.Single(report.Steps[1].NewDetails);
        Assert.Equal([0, 1], q.IntruderRanks);
    }

    [Fact]
    public async Task Lineage_OneRelease_HasTheNumbersOfAnalyze()
    {
        var adapter = new LoraAdapterBuilder()
            .WithIntruders(Q0, 3)
            .WithIntruders("model.layers.1.mlp.down_proj", 1)
            .WithAlignedUpdate(V1)
            .Build(_base, _dir.File("adapter"));

        var report = await AnalyzeAsync([adapter], new AnalysisSettings());
        var analyze = await Intruders.AnalyzeAdaptersAsync(_base, [adapter], new AnalysisSettings(), "cpu", null, CancellationToken.None);

        var step = Assert.Single(report.Steps);
        Assert.Equal(analyze.TotalIntruders, step.TotalCumulative);
        Assert.Equal(analyze.TotalIntruders, step.TotalNew);
        Assert.Equal(analyze.TotalIntruders, step.Growth);
        Assert.Equal(analyze.Modules.Select(m => (m.Name, m.Intruders)), step.Modules.Select(m => (m.Name, m.Cumulative)));
        Assert.Equal(analyze.Modules.Select(m => (m.Name, m.Intruders)), step.Modules.Select(m => (m.Name, m.New)));
        Assert.Equal(analyze.Layers.Select(l => (l.Layer, l.Intruders)), step.Layers.Select(l => (l.Layer, l.Cumulative)));
    }

    [Fact]
    public async Task Lineage_ModulesFilterThatAnEarlyReleaseDoesNotTouch_CountsZeroForThatRelease()
    {
        var releases = new AdapterLineageBuilder()
            .Then(new LoraAdapterBuilder().WithIntruders(Q0, 2))
            .Then(new LoraAdapterBuilder().WithIntruders(Up0, 2))
            .Build(_base, _dir.File("lineage"));

        var report = await AnalyzeAsync(releases, new AnalysisSettings { Modules = "mlp" });

        Assert.Empty(report.Steps[0].Modules);
        Assert.Null(report.Steps[0].Cumulative);
        Assert.Equal([0, 2], report.Steps.Select(s => s.TotalCumulative));
        Assert.Equal([Up0 + ".weight"], report.Steps[1].Modules.Select(m => m.Name));
    }

    [Fact]
    public async Task Lineage_NoAdapters_IsAUserError()
    {
        var e = await Assert.ThrowsAsync<UserInputException>(() => AnalyzeAsync([], new AnalysisSettings()));

        Assert.Equal(InputField.Adapter, e.Field);
        Assert.StartsWith("adapter missing", e.Message);
    }

    private Task<LineageReport> AnalyzeAsync(IReadOnlyList<string> adapters, AnalysisSettings settings) =>
        Analyzer.AnalyzeAsync(_base, adapters, settings, "cpu", null, CancellationToken.None);
}
