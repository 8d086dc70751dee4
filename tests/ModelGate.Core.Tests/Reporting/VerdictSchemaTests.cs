using System.Text.Json;
using System.Text.Json.Nodes;
using Json.Schema;
using Microsoft.Extensions.Logging.Abstractions;
using ModelGate.Core.Gating;
using ModelGate.Core.Registries;
using ModelGate.Core.Reporting;
using ModelGate.Core.Spectral;
using ModelGate.Core.Spectral.Sharding;
using ModelGate.Demo;
using ModelGate.Testing;
using ModelGate.Torch.Spectral;

namespace ModelGate.Core.Tests.Reporting;

/// <summary>
/// The published verdict schema (docs/schemas/modelgate-verdict.schema.json) describes what the gate really writes:
/// a field the gate adds without a line in the schema fails here, and so does a schema that accepts anything.
/// </summary>
public sealed class VerdictSchemaTests : IDisposable
{
    private static readonly JsonSchema Schema = JsonSchema.FromText(File.ReadAllText(Path.Combine(RepositoryPaths.Root(), "docs", "schemas", "modelgate-verdict.schema.json")));
    private readonly TempDirectory _dir = new();
    private readonly TinyModel _model;

    public VerdictSchemaTests()
    {
        _model = new TinyModelBuilder().Build(_dir.File("base"));
    }

    public void Dispose() => _dir.Dispose();

    [Fact]
    public async Task VerdictOfAPassingGate_WithoutBaselineOrForgetting_IsValid()
    {
        var verdict = await GateAsync("clean", b => b.WithAlignedUpdate("model.layers.0.self_attn.q_proj"), GatePolicyLoader.Default);

        AssertValid(verdict);
        Assert.Equal(JsonValueKind.Null, JsonDocument.Parse(verdict).RootElement.GetProperty("baseline").ValueKind);
    }

    [Fact]
    public async Task VerdictOfAFailingGate_WithBaselineForgettingAndModuleFilter_IsValid()
    {
        var first = await GateAsync("v1", b => b.WithIntruders("model.layers.0.self_attn.q_proj", 1), GatePolicyLoader.Default);
        var baseline = _dir.File("v1.verdict.json");
        File.WriteAllText(baseline, first);
        var policy = GatePolicyLoader.Default with
        {
            Baseline = baseline,
            Analysis = GatePolicyLoader.Default.Analysis with { Modules = "self_attn" },
            Forgetting = GatePolicyLoader.Default.Forgetting with { Corpus = "held-out.txt" },
        };

        var verdict = await GateAsync("v2", b => b.WithIntruders("model.layers.0.self_attn.q_proj", 3), policy);

        AssertValid(verdict);
        var root = JsonDocument.Parse(verdict).RootElement;
        Assert.Equal("fail", root.GetProperty("verdict").GetString());
        Assert.Equal("verdict", root.GetProperty("baseline").GetProperty("kind").GetString());
        Assert.Equal(3, root.GetProperty("forgetting").GetArrayLength());
        var withoutInterval = root.GetProperty("forgetting")[2];
        Assert.Equal((JsonValueKind.Null, "a single unit cannot be resampled"), (withoutInterval.GetProperty("ciLow").ValueKind, withoutInterval.GetProperty("intervalUnavailable").GetString()));
        Assert.Contains(root.GetProperty("rules").EnumerateArray(), r => r.TryGetProperty("ciLow", out _));
        Assert.Contains(root.GetProperty("rules").EnumerateArray(), r => r.TryGetProperty("match", out _));
        Assert.Equal("self_attn", root.GetProperty("analysis").GetProperty("moduleFilter").GetString());
    }

    [Fact]
    public async Task AnalysisOfAShard_WithItsShardAndBaseKeys_IsValid()
    {
        var adapter = _dir.File("sharded");
        new LoraAdapterBuilder().WithIntruders("model.layers.0.self_attn.q_proj", 2).WithAlignedUpdate("model.layers.1.mlp.down_proj").Build(_model.Folder, adapter);
        var shard = await new IntruderAnalyzer(NullLogger<IntruderAnalyzer>.Instance).AnalyzeAdaptersAsync(_model.Folder, [adapter],
            new AnalysisSettings { Shard = new AnalysisShard(1, 2) }, "cpu", null, CancellationToken.None);
        var verdict = JsonNode.Parse(await GateAsync("clean", b => b.WithAlignedUpdate("model.layers.0.self_attn.q_proj"), GatePolicyLoader.Default))!;
        verdict["analysis"] = JsonNode.Parse(IntruderReportJson.Serialize(shard));

        AssertValid(verdict.ToJsonString());
        Assert.Equal(1, verdict["analysis"]!["shard"]!["index"]!.GetValue<int>());
        Assert.NotNull(verdict["analysis"]!["modules"]![0]!["baseKey"]);
    }

    [Fact]
    public async Task VerdictWithAFieldTheSchemaDoesNotDescribe_IsRefused()
    {
        var verdict = JsonNode.Parse(await GateAsync("clean", b => b.WithAlignedUpdate("model.layers.0.self_attn.q_proj"), GatePolicyLoader.Default))!;
        verdict["rules"]![0]!["severity"] = "high";

        Assert.False(Schema.Evaluate(JsonDocument.Parse(verdict.ToJsonString()).RootElement).IsValid);
    }

    [Fact]
    public async Task VerdictWithAnUnknownStatus_IsRefused()
    {
        var verdict = JsonNode.Parse(await GateAsync("clean", b => b.WithAlignedUpdate("model.layers.0.self_attn.q_proj"), GatePolicyLoader.Default))!;
        verdict["verdict"] = "maybe";

        Assert.False(Schema.Evaluate(JsonDocument.Parse(verdict.ToJsonString()).RootElement).IsValid);
    }

    private async Task<string> GateAsync(string name, Func<LoraAdapterBuilder, LoraAdapterBuilder> plant, GatePolicy policy)
    {
        var adapter = _dir.File(name);
        plant(new LoraAdapterBuilder()).Build(_model.Folder, adapter);
        var path = _dir.File(name + ".verdict.json");
        var probe = new FixedProbe([
            new ForgettingObservation(ForgettingMetric.PerplexityIncreasePct, "held-out.txt", 20, 21.5, 7.5, 6.1, 8.9),
            new ForgettingObservation(ForgettingMetric.AccuracyDropPts, "arc-easy", 61, 60.5, 0.5, -0.8, 1.8) { MinimumDetectableEffect = 2.4 },
            new ForgettingObservation(ForgettingMetric.PseudoLossIncrease, "one-paragraph.txt", 2, 2.5, 0.5, null, null) { IntervalUnavailable = "a single unit cannot be resampled" },
        ]);
        var runner = new GateRunner(new IntruderAnalyzer(NullLogger<IntruderAnalyzer>.Instance), NullLogger<GateRunner>.Instance, probe);
        var request = new GateRequest { BaseModel = ResolvedModel.Folder(_model.Folder), Adapters = [ResolvedModel.Folder(adapter)], Device = "cpu", Policy = policy, Sinks = [new JsonVerdictSink(path)] };

        await runner.RunAsync(request, null, CancellationToken.None);
        return File.ReadAllText(path);
    }

    private static void AssertValid(string json)
    {
        var result = Schema.Evaluate(JsonDocument.Parse(json).RootElement, new EvaluationOptions { OutputFormat = OutputFormat.List });
        Assert.True(result.IsValid, string.Join("; ", (result.Details ?? []).Where(d => d.Errors is not null).SelectMany(d => d.Errors!.Select(e => $"{d.InstanceLocation}: {e.Value}"))));
    }

    private sealed class FixedProbe(IReadOnlyList<ForgettingObservation> observations) : IForgettingProbe
    {
        public Task<IReadOnlyList<ForgettingObservation>> MeasureAsync(GateRequest request, ForgettingPolicy policy, IProgress<WorkProgress>? progress, CancellationToken cancellationToken) =>
            Task.FromResult(observations);
    }
}
