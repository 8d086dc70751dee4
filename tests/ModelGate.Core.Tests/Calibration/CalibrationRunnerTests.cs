using Microsoft.Extensions.Logging.Abstractions;
using ModelGate.Core.Calibration;
using ModelGate.Core.Gating;
using ModelGate.Core.Registries;
using ModelGate.Core.Spectral;
using ModelGate.Demo;
using ModelGate.Testing;
using ModelGate.Torch.Spectral;

namespace ModelGate.Core.Tests.Calibration;

public sealed class CalibrationRunnerTests : IDisposable
{
    private readonly TempDirectory _dir = new();

    public void Dispose() => _dir.Dispose();

    [Fact]
    public async Task RunAsync_SeveralAdapters_MeasuresForgettingOnceForAllInTheirOrder()
    {
        var model = new TinyModelBuilder().Build(_dir.File("base"));
        var adapters = new[] { ("one", 1), ("three", 3), ("none", 0) }.Select(a =>
        {
            var builder = new LoraAdapterBuilder().WithAlignedUpdate("model.layers.1.self_attn.v_proj");
            builder = a.Item2 > 0 ? builder.WithIntruders("model.layers.0.self_attn.q_proj", a.Item2) : builder;
            builder.Build(model.Folder, _dir.File(a.Item1));
            return ResolvedModel.Folder(_dir.File(a.Item1));
        }).ToArray();
        var probe = new EachProbe();
        var runner = new CalibrationRunner(new IntruderAnalyzer(NullLogger<IntruderAnalyzer>.Instance), NullLogger<CalibrationRunner>.Instance, probe);
        var policy = GatePolicyLoader.Default with { Forgetting = GatePolicyLoader.Default.Forgetting with { Corpus = "held-out.txt" } };

        var result = await runner.RunAsync(new CalibrationRequest
        {
            BaseModel = ResolvedModel.Folder(model.Folder), Adapters = adapters, Policy = policy, AnalysisSettings = new AnalysisSettings(), Device = "cpu",
        }, null, CancellationToken.None);

        // One call with the three adapters in order (the base scored once), each sample paired with its own count.
        Assert.Equal([[.. adapters.Select(a => a.LocalPath)]], probe.Calls);
        Assert.Equal([1, 3, 0], result.Samples.Select(s => s.TotalIntruders));
        Assert.Equal([10.0, 30.0, 0.0], result.Samples.Select(s => s.Delta));
    }

    /// <summary>Answers MeasureEachAsync with a perplexity rise of 10 % per position's adapter's planted count; MeasureAsync must not be used.</summary>
    private sealed class EachProbe : IForgettingProbe
    {
        public List<string[]> Calls { get; } = [];

        public Task<IReadOnlyList<ForgettingObservation>> MeasureAsync(GateRequest request, ForgettingPolicy policy, IProgress<WorkProgress>? progress, CancellationToken cancellationToken) =>
            throw new InvalidOperationException("calibration measured one adapter at a time");

        public Task<IReadOnlyList<IReadOnlyList<ForgettingObservation>>> MeasureEachAsync(GateRequest request, IReadOnlyList<IReadOnlyList<ResolvedModel>> alternatives,
            ForgettingPolicy policy, IProgress<WorkProgress>? progress, CancellationToken cancellationToken)
        {
            Calls.Add([.. alternatives.Select(a => a.Single().LocalPath)]);
            double[] deltas = [10, 30, 0];
            return Task.FromResult<IReadOnlyList<IReadOnlyList<ForgettingObservation>>>(
                [.. deltas.Take(alternatives.Count).Select(d => (IReadOnlyList<ForgettingObservation>)[new ForgettingObservation(ForgettingMetric.PerplexityIncreasePct, "held-out.txt", 10, 10 + d, d, d - 1, d + 1)])]);
        }
    }
}
