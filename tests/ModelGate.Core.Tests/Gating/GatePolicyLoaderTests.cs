using ModelGate.Core.Errors;
using ModelGate.Core.Gating;
using ModelGate.Testing;

namespace ModelGate.Core.Tests.Gating;

public sealed class GatePolicyLoaderTests : IDisposable
{
    private readonly TempDirectory _dir = new();

    public void Dispose() => _dir.Dispose();

    [Fact]
    public void Default_HoldsTheDocumentedThresholds()
    {
        var p = GatePolicyLoader.Default;

        Assert.Equal((10, 0.5, "auto", null), (p.Analysis.K, p.Analysis.Epsilon, p.Analysis.Method, p.Analysis.Modules));
        Assert.Equal(FailOn.Fail, p.FailOn);
        Assert.Equal(new Threshold(0, null), p.Intruders.Total);
        var perModule = Assert.Single(p.Intruders.PerModule);
        Assert.Equal(("*", new Threshold(0, 2)), (perModule.Match.Text, perModule.Threshold));
        Assert.Equal(new Threshold(4, 8), p.Intruders.PerLayer);
        Assert.Equal(new Threshold(0, 2), p.Intruders.Growth);
        Assert.Null(p.Baseline);
        Assert.False(p.Forgetting.IsEnabled);
        Assert.Equal(new Threshold(2, 5), p.Forgetting.PerplexityIncreasePct);
        Assert.Equal(new Threshold(null, 0.05), p.Forgetting.PseudoLossIncrease);
        Assert.Equal(new Threshold(null, 1), p.Forgetting.AccuracyDropPts);
        Assert.Equal((RuleStatus.Warn, RuleStatus.Fail), (p.Provenance.BaseMismatch, p.Provenance.ZeroUpdate));
        Assert.Equal(GatePolicyLoader.DefaultSource, p.Source);
    }

    [Fact]
    public void Parse_ForgettingLimitAndTextColumn_ReadAndRoundTrip_BadLimitNamesTheField()
    {
        var policy = GatePolicyLoader.Parse("""{ "forgetting": { "limit": 500, "textColumn": "page" } }""", "p.json", GatePolicyLoader.Default);
        var bad = Assert.Throws<UserInputException>(() => GatePolicyLoader.Parse("""{ "forgetting": { "limit": 0 } }""", "p.json", GatePolicyLoader.Default));

        Assert.Equal((null, "text"), (GatePolicyLoader.Default.Forgetting.Limit, GatePolicyLoader.Default.Forgetting.TextColumn));
        Assert.Equal((500, "page"), (policy.Forgetting.Limit, policy.Forgetting.TextColumn));
        var again = GatePolicyLoader.Parse(GatePolicyJson.Serialize(policy), "again.json", GatePolicyLoader.Default);
        Assert.Equal((500, "page"), (again.Forgetting.Limit, again.Forgetting.TextColumn));
        Assert.StartsWith("p.json: 'forgetting.limit' must be a whole number ≥ 1", bad.Message);
    }

    [Fact]
    public void Parse_ForgettingWhen_ReadsTheSwitchAndRejectsOtherWords()
    {
        var countFirst = GatePolicyLoader.Parse("""{ "forgetting": { "when": "intrudersAbove" } }""", "p.json", GatePolicyLoader.Default);
        var bad = Assert.Throws<UserInputException>(() => GatePolicyLoader.Parse("""{ "forgetting": { "when": "sometimes" } }""", "p.json", GatePolicyLoader.Default));

        Assert.Equal(ForgettingWhen.Always, GatePolicyLoader.Default.Forgetting.When);
        Assert.Equal(ForgettingWhen.IntrudersAbove, countFirst.Forgetting.When);
        Assert.Equal("p.json: 'forgetting.when' must be one of always, intrudersAbove, got \"sometimes\"", bad.Message);
    }

    [Fact]
    public void Provenance_LevelsFromTheFile_ReplaceTheDefaultsAndNullTurnsARuleOff()
    {
        var p = GatePolicyLoader.Parse("""{ "provenance": { "baseMismatch": "fail", "zeroUpdate": null } }""", "p.json", GatePolicyLoader.Default);

        Assert.Equal((RuleStatus.Fail, (RuleStatus?)null), (p.Provenance.BaseMismatch, p.Provenance.ZeroUpdate));
    }

    [Fact]
    public void File_IsLaidOverTheDefault_KeysLeftOutKeepTheirDefaults()
    {
        var p = Load("""{ "analysis": { "k": 20 }, "intruders": { "total": { "warn": 1, "fail": 6 } } }""");

        Assert.Equal(20, p.Analysis.K);
        Assert.Equal(0.5, p.Analysis.Epsilon);
        Assert.Equal(new Threshold(1, 6), p.Intruders.Total);
        Assert.Equal(new Threshold(4, 8), p.Intruders.PerLayer);
        Assert.Single(p.Intruders.PerModule);
        Assert.Equal(_dir.File("policy.json"), p.Source);
    }

    [Fact]
    public void Threshold_AsAPlainNumber_IsTheFailLevel_AndNullTurnsTheRuleOff()
    {
        var p = Load("""{ "intruders": { "total": 3, "perLayer": null, "perModule": [] }, "failOn": "warn" }""");

        Assert.Equal(new Threshold(null, 3), p.Intruders.Total);
        Assert.Null(p.Intruders.PerLayer);
        Assert.Empty(p.Intruders.PerModule);
        Assert.Equal(FailOn.Warn, p.FailOn);
    }

    [Fact]
    public void Policy_WithCommentsAndTrailingCommas_Loads()
    {
        var p = Load("""
            {
              // stricter for the chat adapters
              "intruders": { "perModule": [ { "match": "regex:self_attn", "fail": 1 }, ], },
            }
            """);

        Assert.Equal("regex:self_attn", Assert.Single(p.Intruders.PerModule).Match.Text);
    }

    [Theory]
    [InlineData("""{ "intruders": { "perModul": [] } }""", "unknown key 'intruders.perModul'")]
    [InlineData("""{ "intruder": {} }""", "unknown key 'intruder'")]
    [InlineData("""{ "intruders": { "perModule": [ { "match": "*" }, { "match": "*.q_proj", "limit": 1 } ] } }""", "unknown key 'intruders.perModule[1].limit'")]
    [InlineData("""{ "intruders": { "total": { "warn": 1, "fial": 2 } } }""", "unknown key 'intruders.total.fial'")]
    [InlineData("""{ "forgetting": { "perplexityIncrease": 5 } }""", "unknown key 'forgetting.perplexityIncrease'")]
    [InlineData("""{ "analysis": { "k": 0 } }""", "'analysis.k' must be a whole number ≥ 1, got 0")]
    [InlineData("""{ "analysis": { "epsilon": 1.5 } }""", "'analysis.epsilon' must be a number between 0 and 1 (exclusive), got 1.5")]
    [InlineData("""{ "analysis": { "method": "fast" } }""", "'analysis.method' must be one of auto, full-svd, got \"fast\"")]
    [InlineData("""{ "analysis": { "modules": "q_proj(" } }""", "'analysis.modules' is not a valid regular expression")]
    [InlineData("""{ "failOn": "sometimes" }""", "'failOn' must be one of fail, warn, never, got \"sometimes\"")]
    [InlineData("""{ "intruders": { "total": -1 } }""", "'intruders.total' must be a number ≥ 0, got -1")]
    [InlineData("""{ "intruders": { "total": "4" } }""", "'intruders.total' must be a number (the fail level), { \"warn\": x, \"fail\": y } or null, got \"4\"")]
    [InlineData("""{ "intruders": { "perLayer": { "warn": 5, "fail": 2 } } }""", "'intruders.perLayer': warn (5) is above fail (2), so it could never warn")]
    [InlineData("""{ "intruders": { "perModule": [ { "fail": 2 } ] } }""", "'intruders.perModule[0]' needs a 'match'")]
    [InlineData("""{ "intruders": { "perModule": [ { "match": "regex:[" } ] } }""", "'intruders.perModule[0].match' is not a valid regular expression")]
    [InlineData("""{ "intruders": { "perModule": { "match": "*" } } }""", "'intruders.perModule' must be an array")]
    [InlineData("""{ "forgetting": { "tasks": ["hellaswag", 3] } }""", "'forgetting.tasks[1]' must be a non-empty string, got 3")]
    [InlineData("""{ "analysis": { "k": 10, "k": 12 } }""", "key 'analysis.k' is given twice")]
    [InlineData("""{ "provenance": { "baseMismatch": "pass" } }""", "'provenance.baseMismatch' must be \"warn\", \"fail\" or null, got \"pass\"")]
    [InlineData("""{ "provenance": { "zeroUpdates": "warn" } }""", "unknown key 'provenance.zeroUpdates'")]
    [InlineData("""[ 1 ]""", "the policy must be a JSON object, got an array")]
    [InlineData("""{ "analysis": { "k": 10 """, "not valid JSON (line 1")]
    public void BadPolicy_IsOneLineNamingTheFileAndTheJsonPath(string json, string expected)
    {
        var e = Assert.Throws<UserInputException>(() => Load(json));

        Assert.StartsWith(_dir.File("policy.json") + ": ", e.Message);
        Assert.Contains(expected, e.Message);
        Assert.DoesNotContain('\n', e.Message);
    }

    [Fact]
    public void MissingFile_IsAUserError()
    {
        var e = Assert.Throws<UserInputException>(() => GatePolicyLoader.LoadFile(_dir.File("nope.json")));
        Assert.Equal($"{_dir.File("nope.json")}: policy file not found", e.Message);
    }

    [Fact]
    public void RelativeBaseline_IsTakenFromThePolicyFilesFolder()
    {
        var p = Load("""{ "baseline": "releases/v1.verdict.json" }""");

        Assert.Equal(Path.Combine(_dir.Path, "releases", "v1.verdict.json"), p.Baseline);
    }

    [Fact]
    public void ExamplePolicyInTemplates_Loads()
    {
        var p = GatePolicyLoader.LoadFile(Path.Combine(RepositoryPaths.Root(), "templates", "intruder-gate-policy.example.json"));

        Assert.Equal(["*", "*.q_proj", "regex:layers\\.[0-3]\\..*"], p.Intruders.PerModule.Select(m => m.Match.Text));
        Assert.Equal(new Threshold(0, 12), p.Intruders.Total);
    }

    private GatePolicy Load(string json)
    {
        var path = _dir.File("policy.json");
        File.WriteAllText(path, json);
        return GatePolicyLoader.LoadFile(path);
    }
}
