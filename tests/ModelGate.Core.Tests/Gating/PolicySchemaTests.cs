using System.Text.Json;
using Json.Schema;
using ModelGate.Core.Errors;
using ModelGate.Core.Gating;
using ModelGate.Core.Spectral;
using ModelGate.Testing;

namespace ModelGate.Core.Tests.Gating;

/// <summary>The published schema (templates/intruder-gate-policy.schema.json) and the loader agree on what a policy is.</summary>
public sealed class PolicySchemaTests : IDisposable
{
    private static readonly JsonSchema Schema = JsonSchema.FromText(File.ReadAllText(Path.Combine(RepositoryPaths.Root(), "templates", "intruder-gate-policy.schema.json")));
    private readonly TempDirectory _dir = new();

    public void Dispose() => _dir.Dispose();

    [Fact]
    public void AnalysisDefaults_TheSchemaAndTheEmbeddedDefaultPolicy_StateTheSameKAndEpsilon()
    {
        using var schema = JsonDocument.Parse(File.ReadAllText(Path.Combine(RepositoryPaths.Root(), "templates", "intruder-gate-policy.schema.json")));
        var analysis = schema.RootElement.GetProperty("properties").GetProperty("analysis").GetProperty("properties");

        Assert.Equal(AnalysisDefaults.K, analysis.GetProperty("k").GetProperty("default").GetInt32());
        Assert.Equal(AnalysisDefaults.Epsilon, analysis.GetProperty("epsilon").GetProperty("default").GetDouble());
        Assert.Equal((AnalysisDefaults.K, AnalysisDefaults.Epsilon), (GatePolicyLoader.Default.Analysis.K, GatePolicyLoader.Default.Analysis.Epsilon));
    }

    [Fact]
    public void EmbeddedDefaultPolicy_IsValidAgainstTheSchema() => AssertValid(GatePolicyLoader.DefaultJson());

    [Fact]
    public void ExamplePolicy_IsValidAgainstTheSchema() =>
        AssertValid(File.ReadAllText(Path.Combine(RepositoryPaths.Root(), "templates", "intruder-gate-policy.example.json")));

    [Theory]
    [InlineData("""{ "intruders": { "perModul": [] } }""")]
    [InlineData("""{ "analysis": { "k": 0 } }""")]
    [InlineData("""{ "analysis": { "epsilon": 1 } }""")]
    [InlineData("""{ "failOn": "sometimes" }""")]
    [InlineData("""{ "intruders": { "total": -1 } }""")]
    [InlineData("""{ "intruders": { "total": { "warn": 1, "failure": 2 } } }""")]
    [InlineData("""{ "intruders": { "perModule": [ { "fail": 1 } ] } }""")]
    [InlineData("""{ "forgetting": { "tasks": [3] } }""")]
    [InlineData("""{ "provenance": { "zeroUpdate": "pass" } }""")]
    public void PolicyTheLoaderRefuses_TheSchemaRefusesToo(string json)
    {
        var path = _dir.File("policy.json");
        File.WriteAllText(path, json);

        Assert.Throws<UserInputException>(() => GatePolicyLoader.LoadFile(path));
        Assert.False(Schema.Evaluate(JsonDocument.Parse(json).RootElement).IsValid, "the schema accepts " + json);
    }

    [Theory]
    [InlineData("""{ "intruders": { "total": 3, "perLayer": null, "perModule": [] } }""")]
    [InlineData("""{ "intruders": { "growth": { "fail": 2 } }, "baseline": "v1.json" }""")]
    [InlineData("""{ "forgetting": { "corpus": "held-out.txt", "tasks": ["arc-easy"], "accuracyDropPts": 2 } }""")]
    [InlineData("""{ "analysis": { "modules": "self_attn", "method": "full-svd" }, "failOn": "never" }""")]
    [InlineData("""{ "provenance": { "baseMismatch": "fail", "zeroUpdate": null } }""")]
    public void PolicyTheLoaderAccepts_TheSchemaAcceptsToo(string json)
    {
        var path = _dir.File("policy.json");
        File.WriteAllText(path, json);

        _ = GatePolicyLoader.LoadFile(path);
        AssertValid(json);
    }

    private static void AssertValid(string json)
    {
        var result = Schema.Evaluate(JsonDocument.Parse(json, new JsonDocumentOptions { CommentHandling = JsonCommentHandling.Skip }).RootElement, new EvaluationOptions { OutputFormat = OutputFormat.List });
        Assert.True(result.IsValid, string.Join("; ", (result.Details ?? []).Where(d => d.Errors is not null).SelectMany(d => d.Errors!.Select(e => $"{d.InstanceLocation}: {e.Value}"))));
    }
}
