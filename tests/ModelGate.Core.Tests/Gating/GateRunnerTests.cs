using System.Text.Json;
using Microsoft.Extensions.Logging.Abstractions;
using ModelGate.Core.Errors;
using ModelGate.Core.Gating;
using ModelGate.Core.Registries;
using ModelGate.Core.Reporting;
using ModelGate.Core.Spectral;
using ModelGate.Demo;
using ModelGate.Testing;
using ModelGate.Torch.Spectral;

namespace ModelGate.Core.Tests.Gating;

public sealed class GateRunnerTests : IDisposable
{
    private readonly TempDirectory _dir = new();
    private readonly TinyModel _model;

    public GateRunnerTests()
    {
        _model = new TinyModelBuilder().Build(_dir.File("base"));
    }

    public void Dispose() => _dir.Dispose();

    [Fact]
    public async Task Gate_CleanAdapter_PassesTheDefaultPolicy()
    {
        // Only strengthens directions the base already has. (A random low-rank update is not clean at k = 10: its
        // new directions rank 7th to 10th in these small matrices and count as intruders, as they should.)
        var adapter = Adapter("clean", b => b
            .WithAlignedUpdate("model.layers.0.self_attn.q_proj")
            .WithAlignedUpdate("model.layers.0.self_attn.v_proj")
            .WithAlignedUpdate("model.layers.1.mlp.down_proj")
            .WithAlignedUpdate("model.layers.1.mlp.up_proj"));

        var result = await Runner().RunAsync(Request(adapter), null, CancellationToken.None);

        Assert.Equal(0, result.Analysis.TotalIntruders);
        Assert.Equal(RuleStatus.Pass, result.Verdict.Status);
        Assert.Equal(0, result.Verdict.ExitCode);
        Assert.Contains(result.Verdict.Rules, r => r.Id == RuleIds.PerModule);
        Assert.Contains(result.Verdict.Rules, r => r.Id == RuleIds.PerLayer);
    }

    [Fact]
    public async Task Gate_IntruderAdapter_FailsTheDefaultPolicy()
    {
        var adapter = Adapter("intruders", b => b
            .WithIntruders("model.layers.0.self_attn.q_proj", 3)
            .WithAlignedUpdate("model.layers.0.self_attn.v_proj")
            .WithIntruders("model.layers.1.mlp.down_proj", 1));

        var result = await Runner().RunAsync(Request(adapter), null, CancellationToken.None);

        Assert.Equal(RuleStatus.Fail, result.Verdict.Status);
        Assert.Equal(1, result.Verdict.ExitCode);
        var failing = Assert.Single(result.Verdict.Rules, r => r.Status == RuleStatus.Fail);
        Assert.Equal((RuleIds.PerModule, "model.layers.0.self_attn.q_proj.weight", 3.0), (failing.Id, failing.Target, failing.Observed));
        Assert.Contains(result.Verdict.Rules, r => r is { Id: RuleIds.PerModule, Status: RuleStatus.Warn, Target: "model.layers.1.mlp.down_proj.weight" });
        Assert.Equal(RuleStatus.Warn, result.Verdict.Rules.Single(r => r.Id == RuleIds.Total).Status);
    }

    [Fact]
    public async Task Gate_OneStrayIntruder_OnlyWarns_AndBlocksUnderFailOnWarn()
    {
        var adapter = Adapter("stray", b => b.WithIntruders("model.layers.0.self_attn.q_proj", 1));

        var result = await Runner().RunAsync(Request(adapter), null, CancellationToken.None);
        var strict = await Runner().RunAsync(Request(adapter) with { Policy = GatePolicyLoader.Default with { FailOn = FailOn.Warn } }, null, CancellationToken.None);

        Assert.Equal((RuleStatus.Warn, 0), (result.Verdict.Status, result.Verdict.ExitCode));
        Assert.Equal((RuleStatus.Warn, 1), (strict.Verdict.Status, strict.Verdict.ExitCode));
    }

    [Fact]
    public async Task Gate_AgainstThePreviousReleasesVerdict_FailsWhenIntrudersGrowPastTheLimit()
    {
        var v1 = Adapter("v1", b => b.WithIntruders("model.layers.0.self_attn.q_proj", 1).WithAlignedUpdate("model.layers.1.self_attn.q_proj"));
        var v2 = Adapter("v2", b => b.WithIntruders("model.layers.0.self_attn.q_proj", 2).WithIntruders("model.layers.1.self_attn.q_proj", 2));
        var verdict1 = _dir.File("v1.verdict.json");

        var first = await Runner().RunAsync(Request(v1) with { Sinks = [new JsonVerdictSink(verdict1)] }, null, CancellationToken.None);
        var second = await Runner().RunAsync(Request(v2) with { Policy = GatePolicyLoader.Default with { Baseline = verdict1 } }, null, CancellationToken.None);

        Assert.Null(first.Baseline);
        Assert.DoesNotContain(first.Verdict.Rules, r => r.Id == RuleIds.Growth);
        Assert.Equal((1, 4, 3), (second.Baseline!.TotalIntruders, second.Analysis.TotalIntruders, second.Growth));
        Assert.Equal(("verdict", RuleStatus.Warn), (second.Baseline.Kind, second.Baseline.Verdict!.Value));
        var growth = Assert.Single(second.Verdict.Rules, r => r.Id == RuleIds.Growth);
        Assert.Equal((RuleStatus.Fail, 3.0), (growth.Status, growth.Observed));
        Assert.Equal(1, second.Verdict.ExitCode);
    }

    [Fact]
    public async Task Gate_PlainAnalyzeReportAsBaseline_GivesTheSameGrowth()
    {
        var v1 = Adapter("v1", b => b.WithIntruders("model.layers.0.self_attn.q_proj", 2));
        var v2 = Adapter("v2", b => b.WithIntruders("model.layers.0.self_attn.q_proj", 3));
        var report = await new IntruderAnalyzer(NullLogger<IntruderAnalyzer>.Instance).AnalyzeAdaptersAsync(_model.Folder, [v1], new AnalysisSettings(), "cpu", null, CancellationToken.None);
        var analysisJson = _dir.File("v1.analysis.json");
        File.WriteAllText(analysisJson, IntruderReportJson.Serialize(report));

        var result = await Runner().RunAsync(Request(v2) with { Policy = GatePolicyLoader.Default with { Baseline = analysisJson } }, null, CancellationToken.None);

        Assert.Equal(("analysis", 2, 1), (result.Baseline!.Kind, result.Baseline.TotalIntruders, result.Growth));
        Assert.Equal(RuleStatus.Warn, result.Verdict.Rules.Single(r => r.Id == RuleIds.Growth).Status);
    }

    [Fact]
    public async Task Gate_VerdictJson_FollowsTheContract_AndItsAnalysisIsAnalyzesJson()
    {
        var adapter = Adapter("intruders", b => b.WithIntruders("model.layers.0.self_attn.q_proj", 3));
        var path = _dir.File("verdict.json");

        var result = await Runner().RunAsync(Request(adapter) with { Sinks = [new JsonVerdictSink(path)] }, null, CancellationToken.None);

        using var doc = JsonDocument.Parse(File.ReadAllText(path));
        var root = doc.RootElement;
        Assert.Equal(1, root.GetProperty("schemaVersion").GetInt32());
        Assert.Equal("modelgate.verdict", root.GetProperty("kind").GetString());
        Assert.Equal("fail", root.GetProperty("verdict").GetString());
        Assert.Equal("fail", root.GetProperty("failOn").GetString());
        Assert.Equal(1, root.GetProperty("exitCode").GetInt32());
        Assert.Equal(3, root.GetProperty("totalIntruders").GetInt32());
        var rule = root.GetProperty("rules").EnumerateArray().Single(r => r.GetProperty("status").GetString() == "fail");
        Assert.Equal(("intruders.perModule", "MG0002", 3, 0, 2, "model.layers.0.self_attn.q_proj.weight"),
            (rule.GetProperty("id").GetString(), rule.GetProperty("code").GetString(), rule.GetProperty("observed").GetInt32(),
             rule.GetProperty("warn").GetInt32(), rule.GetProperty("fail").GetInt32(), rule.GetProperty("target").GetString()));
        Assert.Equal(JsonValueKind.Null, root.GetProperty("rules")[0].GetProperty("target").ValueKind);
        Assert.Equal(JsonValueKind.Null, root.GetProperty("baseline").ValueKind);
        Assert.Equal(0, root.GetProperty("forgetting").GetArrayLength());
        Assert.Equal(IntruderReportJson.Serialize(result.Analysis), JsonWriting.Indented(w => root.GetProperty("analysis").WriteTo(w)));
        var run = root.GetProperty("run");
        Assert.StartsWith("ModelGate ", run.GetProperty("tool").GetString());
        Assert.Equal(_model.Folder, run.GetProperty("base").GetString());
        Assert.Equal([adapter], run.GetProperty("adapters").EnumerateArray().Select(a => a.GetString()));
        Assert.Equal(GatePolicyLoader.DefaultSource, run.GetProperty("policy").GetString());
        Assert.True(DateTimeOffset.TryParse(run.GetProperty("startedAt").GetString(), out _));
        Assert.True(run.GetProperty("seconds").GetDouble() > 0);
        Assert.Equal(64, run.GetProperty("baseWeights").GetProperty("sha256").GetString()!.Length);
        Assert.Equal(
            Convert.ToHexStringLower(System.Security.Cryptography.SHA256.HashData(File.ReadAllBytes(Path.Combine(adapter, "adapter_model.safetensors")))),
            run.GetProperty("adapterWeights")[0].GetProperty("sha256").GetString());
    }

    [Fact]
    public async Task Gate_WithAForgettingProbe_TurnsItsObservationsIntoRules()
    {
        var adapter = Adapter("clean", b => b.WithAlignedUpdate("model.layers.0.self_attn.q_proj"));
        var probe = new FixedProbe([
            new ForgettingObservation(ForgettingMetric.PerplexityIncreasePct, "held-out.txt", 20, 21.5, 7.5, 6.1, 8.9),
            new ForgettingObservation(ForgettingMetric.AccuracyDropPts, "arc-easy", 61, 60.5, 0.5, -0.8, 1.8),
        ]);
        var policy = GatePolicyLoader.Default with { Forgetting = GatePolicyLoader.Default.Forgetting with { Corpus = "held-out.txt" } };

        var result = await Runner(probe).RunAsync(Request(adapter) with { Policy = policy }, null, CancellationToken.None);

        Assert.Same(policy.Forgetting, probe.SeenPolicy);
        Assert.Equal(2, result.Forgetting.Count);
        Assert.Equal(RuleStatus.Fail, result.Verdict.Rules.Single(r => r.Code == "MG0101").Status);
        Assert.Equal(RuleStatus.Pass, result.Verdict.Rules.Single(r => r.Code == "MG0103").Status);
        Assert.Equal(1, result.Verdict.ExitCode);
        Assert.Contains(result.Run.Timings, t => t.Phase == "forgetting");
    }

    [Fact]
    public async Task Gate_ForgettingDataTooSmallForTheFailLevel_WarnsInTheResult()
    {
        var adapter = Adapter("clean", b => b.WithAlignedUpdate("model.layers.0.self_attn.q_proj"));
        var probe = new FixedProbe([
            new ForgettingObservation(ForgettingMetric.PerplexityIncreasePct, "one-paragraph.txt", 20, 20.2, 1, -4, 6) { MinimumDetectableEffect = 9.5 },
        ]);
        var policy = GatePolicyLoader.Default with { Forgetting = GatePolicyLoader.Default.Forgetting with { Corpus = "one-paragraph.txt" } };

        var result = await Runner(probe).RunAsync(Request(adapter) with { Policy = policy }, null, CancellationToken.None);

        Assert.Contains(result.Warnings, w => w.StartsWith("perplexityIncreasePct on one-paragraph.txt: the data can only detect a change of about 9.5 or more", StringComparison.Ordinal));
        Assert.Equal(RuleStatus.Pass, result.Verdict.Status);
    }

    [Fact]
    public async Task Gate_ForgettingWhenIntrudersAboveAndNoCountAboveItsLevel_SkipsTheBenchmarkAndSaysWhy()
    {
        var adapter = Adapter("clean", b => b.WithAlignedUpdate("model.layers.0.self_attn.q_proj"));
        var probe = new FixedProbe([new ForgettingObservation(ForgettingMetric.PerplexityIncreasePct, "held-out.txt", 20, 22, 10, 9, 11)]);

        var result = await Runner(probe).RunAsync(Request(adapter) with { Policy = CountFirst() }, null, CancellationToken.None);

        Assert.Null(probe.SeenPolicy);
        Assert.Empty(result.Forgetting);
        Assert.DoesNotContain(result.Verdict.Rules, r => r.Code == "MG0101");
        Assert.Contains(result.Warnings, w => w.StartsWith("forgetting rules skipped: forgetting.when is \"intrudersAbove\" and no intruder count is above", StringComparison.Ordinal));
        Assert.Equal(RuleStatus.Pass, result.Verdict.Status);
    }

    [Fact]
    public async Task Gate_ForgettingWhenIntrudersAboveAndACountAboveItsLevel_RunsTheBenchmark()
    {
        var adapter = Adapter("intruders", b => b.WithIntruders("model.layers.0.self_attn.q_proj", 3));
        var probe = new FixedProbe([new ForgettingObservation(ForgettingMetric.PerplexityIncreasePct, "held-out.txt", 20, 22, 10, 9, 11)]);

        var result = await Runner(probe).RunAsync(Request(adapter) with { Policy = CountFirst() }, null, CancellationToken.None);

        Assert.NotNull(probe.SeenPolicy);
        Assert.Equal(RuleStatus.Fail, result.Verdict.Rules.Single(r => r.Code == "MG0101").Status);
        Assert.DoesNotContain(result.Warnings, w => w.StartsWith("forgetting rules skipped", StringComparison.Ordinal));
    }

    [Fact]
    public async Task Gate_ForgettingAskedForWithoutAProbe_IsAUserErrorBeforeAnyAnalysis()
    {
        var policy = GatePolicyLoader.Default with { Forgetting = GatePolicyLoader.Default.Forgetting with { Tasks = ["arc-easy"] } };

        var e = await Assert.ThrowsAsync<UserInputException>(() => Runner().RunAsync(Request(_dir.File("no-such-adapter")) with { Policy = policy }, null, CancellationToken.None));

        Assert.Contains("no forgetting probe", e.Message);
    }

    [Fact]
    public async Task Gate_BadBaseline_IsAUserErrorBeforeAnyAnalysis()
    {
        var notAVerdict = _dir.File("other.json");
        File.WriteAllText(notAVerdict, """{ "kind": "lineage", "schemaVersion": 1 }""");

        var missing = await Assert.ThrowsAsync<UserInputException>(() => Runner().RunAsync(Request(_dir.File("a")) with { Policy = GatePolicyLoader.Default with { Baseline = _dir.File("none.json") } }, null, CancellationToken.None));
        var wrong = await Assert.ThrowsAsync<UserInputException>(() => Runner().RunAsync(Request(_dir.File("a")) with { Policy = GatePolicyLoader.Default with { Baseline = notAVerdict } }, null, CancellationToken.None));

        Assert.Equal($"{_dir.File("none.json")}: baseline file not found", missing.Message);
        Assert.Equal($"{notAVerdict}: not a gate verdict or an analysis report (JSON)", wrong.Message);
    }

    [Theory]
    [InlineData("""{ "kind": "modelgate.verdict", "schemaVersion": 1 }""", "verdict has no 'analysis' object")]
    [InlineData("""{ "kind": "adapter", "schemaVersion": "one", "totalIntruders": 3 }""", "analysis schemaVersion must be 1")]
    [InlineData("""{ "kind": "adapter", "schemaVersion": 1, "totalIntruders": "three" }""", "'totalIntruders' is missing or not a whole number ≥ 0")]
    [InlineData("""{ "kind": "adapter", "schemaVersion": 1 """, "baseline is not valid JSON")]
    public async Task Gate_MalformedBaseline_IsAOneLineUserError(string json, string expected)
    {
        var path = _dir.File("baseline.json");
        File.WriteAllText(path, json);

        var e = await Assert.ThrowsAsync<UserInputException>(() => Runner().RunAsync(Request(_dir.File("a")) with { Policy = GatePolicyLoader.Default with { Baseline = path } }, null, CancellationToken.None));

        Assert.StartsWith($"{path}: {expected}", e.Message);
    }

    [Fact]
    public async Task Gate_WritesEverySinkOfTheRequest_InOrder()
    {
        var adapter = Adapter("clean", b => b.WithAlignedUpdate("model.layers.0.self_attn.q_proj"));
        var seen = new List<string>();

        var result = await Runner().RunAsync(Request(adapter) with { Sinks = [new RecordingSink("a", seen), new RecordingSink("b", seen)] }, null, CancellationToken.None);

        Assert.Equal(["a:pass", "b:pass"], seen);
        Assert.Equal(RuleStatus.Pass, result.Verdict.Status);
    }

    private string Adapter(string name, Func<LoraAdapterBuilder, LoraAdapterBuilder> plant)
    {
        var folder = _dir.File(name);
        plant(new LoraAdapterBuilder()).Build(_model.Folder, folder);
        return folder;
    }

    /// <summary>A calibrated policy's shape: intruder counts only warn (above 2 in total), the forgetting benchmark decides when they do.</summary>
    private static GatePolicy CountFirst() => GatePolicyLoader.Default with
    {
        Intruders = new IntruderPolicy { Total = new Threshold(2, null) },
        Forgetting = GatePolicyLoader.Default.Forgetting with { Corpus = "held-out.txt", When = ForgettingWhen.IntrudersAbove },
    };

    private GateRequest Request(string adapter) => new() { BaseModel = ResolvedModel.Folder(_model.Folder), Adapters = [ResolvedModel.Folder(adapter)], Device = "cpu" };

    private static GateRunner Runner(IForgettingProbe? probe = null) =>
        new(new IntruderAnalyzer(NullLogger<IntruderAnalyzer>.Instance), NullLogger<GateRunner>.Instance, probe);

    private sealed class FixedProbe(IReadOnlyList<ForgettingObservation> observations) : IForgettingProbe
    {
        public ForgettingPolicy? SeenPolicy { get; private set; }

        public Task<IReadOnlyList<ForgettingObservation>> MeasureAsync(GateRequest request, ForgettingPolicy policy, IProgress<WorkProgress>? progress, CancellationToken cancellationToken)
        {
            SeenPolicy = policy;
            return Task.FromResult(observations);
        }
    }

    private sealed class RecordingSink(string name, List<string> seen) : IReportSink
    {
        public string Description => name;

        public Task WriteAsync(GateResult result, CancellationToken cancellationToken)
        {
            seen.Add($"{name}:{GateWords.Of(result.Verdict.Status)}");
            return Task.CompletedTask;
        }
    }
}
