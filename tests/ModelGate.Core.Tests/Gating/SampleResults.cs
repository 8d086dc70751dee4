using ModelGate.Core.Gating;
using ModelGate.Core.Registries;
using ModelGate.Core.Spectral;

namespace ModelGate.Core.Tests.Gating;

/// <summary>Analyses and gate results built by hand (no TorchSharp), for rule and report tests.</summary>
internal static class SampleResults
{
    /// <summary>An analysis with the given intruder count per weight name; cosines follow the counts (intruders first).</summary>
    public static IntruderReport Analysis(params (string Name, int Intruders)[] modules) => new()
    {
        ToolVersion = "0.0.0-test",
        Kind = ComparisonKind.Adapter,
        BaseModel = "/models/base",
        Tuned = ["/adapters/candidate"],
        K = 10,
        Epsilon = 0.5,
        Method = AnalysisMethod.Auto,
        Device = "cpu",
        Elapsed = TimeSpan.FromSeconds(1.25),
        Modules = modules.Select(m =>
        {
            var cosines = Enumerable.Range(0, 10).Select(i => i < m.Intruders ? 0.1 + (0.03 * i) : 0.95 - (0.01 * i)).ToArray();
            return new ModuleIntruders
            {
                Name = m.Name,
                Layer = ModelGate.Core.Adapters.LayerIndex.OfTensor(m.Name),
                Shape = [64, 64],
                Intruders = m.Intruders,
                MaxCosines = cosines,
                SingularValues = Enumerable.Range(0, 10).Select(i => 10.0 - i).ToArray(),
                BaseSingularValues = Enumerable.Range(0, 10).Select(i => 9.0 - (0.5 * i)).ToArray(),
                SweepCounts = EpsilonSweep.Count(cosines),
                Method = AnalysisMethod.LowRank,
                IntruderRanks = Enumerable.Range(0, m.Intruders).ToArray(),
            };
        }).ToArray(),
    };

    public static GateResult Result(IntruderReport analysis, GatePolicy? policy = null, GateBaseline? baseline = null,
        IReadOnlyList<ForgettingObservation>? forgetting = null, IReadOnlyList<string>? warnings = null)
    {
        policy ??= GatePolicyLoader.Default;
        forgetting ??= [];
        var rules = GateRules.Evaluate(policy, analysis, baseline, forgetting);
        return new GateResult
        {
            Verdict = GateVerdict.From(rules, policy.FailOn, analysis.TotalIntruders),
            Analysis = analysis,
            Policy = policy,
            Baseline = baseline,
            Forgetting = forgetting,
            Warnings = warnings ?? [],
            Run = new GateRunInfo
            {
                Tool = "ModelGate 0.0.0-test",
                BaseModel = new ResolvedModel(analysis.BaseModel, analysis.BaseModel, ContentHash: new string('a', 64)),
                Adapters = [.. analysis.Tuned.Select(a => new ResolvedModel(a, a, ContentHash: new string('b', 64)))],
                Policy = policy.Source,
                StartedAt = new DateTimeOffset(2026, 11, 26, 7, 0, 0, TimeSpan.Zero),
                Elapsed = TimeSpan.FromSeconds(1.5),
                Timings = [("analysis", TimeSpan.FromSeconds(1.25))],
                BaseFingerprint = new ModelFingerprint("/models/base", [new FileDigest("model.safetensors", 1024, new string('a', 64))]),
                AdapterFingerprints = [new ModelFingerprint("/adapters/candidate", [new FileDigest("adapter_model.safetensors", 256, new string('b', 64))])],
            },
        };
    }

    public const string Q0 = "model.layers.0.self_attn.q_proj.weight";
    public const string V0 = "model.layers.0.self_attn.v_proj.weight";
    public const string Down0 = "model.layers.0.mlp.down_proj.weight";
    public const string Q1 = "model.layers.1.self_attn.q_proj.weight";
    public const string V1 = "model.layers.1.self_attn.v_proj.weight";
}
