using System.IO.Enumeration;
using ModelGate.Testing;
using YamlDotNet.RepresentationModel;

namespace ModelGate.Templates.Tests;

[Collection(TemplatePackageCollection.Name)]
[Trait("Category", "Integration")]
public sealed class WorkflowTemplateTests(TemplatePackageFixture templates)
{
    [Fact]
    public async Task WorkflowTemplate_Instantiated_RunsTheActionOnPullRequestsWithTheGivenPaths()
    {
        using var dir = new TempDirectory();

        var created = await templates.NewAsync(
            dir.Path, "intruder-gate-workflow", "--base", "models/llama-base", "--adapter", "adapters/support-bot", "--policy", "gate/policy.jsonc", "--failOn", "warn");

        Assert.True(created.ExitCode == 0, created.Output);
        var workflow = Load(dir.File(".github/workflows/intruder-gate.yml"));
        var pullRequest = Assert.IsType<YamlMappingNode>(Child(Child(workflow, "on"), "pull_request"));
        var paths = Assert.IsType<YamlSequenceNode>(Child(pullRequest, "paths")).Select(p => p.ToString()).ToList();
        Assert.Contains("adapters/support-bot/**", paths);
        Assert.Contains("models/llama-base/**", paths);
        Assert.Contains("gate/policy.jsonc", paths);

        var steps = Steps(workflow);
        var gate = Assert.Single(steps, s => Scalar(s, "uses") == "modelgate/ModelGate@v1");
        var inputs = Assert.IsType<YamlMappingNode>(Child(gate, "with"));
        Assert.Equal("models/llama-base", Scalar(inputs, "base"));
        Assert.Equal("adapters/support-bot", Scalar(inputs, "adapter"));
        Assert.Equal("gate/policy.jsonc", Scalar(inputs, "policy"));
        Assert.Equal("true", Scalar(inputs, "comment"));
        Assert.Equal("warn", Scalar(inputs, "fail-on"));
        Assert.Equal("write", Scalar(Child(workflow, "permissions"), "pull-requests"));
    }

    [Fact]
    public async Task WorkflowTemplate_SpectrumCache_IsKeyedByTheBaseRevisionAndComesBeforeTheGate()
    {
        using var dir = new TempDirectory();

        var created = await templates.NewAsync(dir.Path, "intruder-gate-workflow", "--action", "acme/ModelGate@v1.2.0");

        Assert.True(created.ExitCode == 0, created.Output);
        var steps = Steps(Load(dir.File(".github/workflows/intruder-gate.yml")));
        var revision = steps.FindIndex(s => Scalar(s, "id") == "base");
        var cache = steps.FindIndex(s => Scalar(s, "uses")?.StartsWith("actions/cache@", StringComparison.Ordinal) == true);
        var gate = steps.FindIndex(s => Scalar(s, "uses") == "acme/ModelGate@v1.2.0");
        Assert.True(revision >= 0 && cache > revision && gate > cache, $"steps in order: base revision {revision}, cache {cache}, gate {gate}");
        Assert.Equal("models/base", Scalar(Child(steps[revision], "env"), "BASE"));
        Assert.Contains("git rev-parse \"HEAD:$BASE\"", Scalar(steps[revision], "run"));
        var with = Child(steps[cache], "with");
        Assert.Equal("~/.cache/modelgate", Scalar(with, "path"));
        Assert.Contains("${{ steps.base.outputs.revision }}", Scalar(with, "key"));
    }

    [Fact]
    public async Task WorkflowTemplate_Shards_WritesAMatrixOfAnalyzeJobsAndOneGateJobOverEveryPart()
    {
        using var dir = new TempDirectory();

        var created = await templates.NewAsync(dir.Path, "intruder-gate-workflow", "--shards", "4", "--spectra", "az://acct/spectra/llama", "--action", "acme/ModelGate@v1.2.0");

        Assert.True(created.ExitCode == 0, created.Output);
        var workflow = Load(dir.File(".github/workflows/intruder-gate.yml"));
        Assert.Equal("4", Scalar(Child(workflow, "env"), "SHARDS"));
        Assert.Equal("az://acct/spectra/llama", Scalar(Child(workflow, "env"), "SPECTRA"));
        var analyze = Child(Child(workflow, "jobs"), "analyze");
        var shards = Assert.IsType<YamlSequenceNode>(Child(Child(Child(analyze, "strategy"), "matrix"), "shard")).Select(n => n.ToString()).ToList();
        Assert.Equal(["1", "2", "3", "4"], shards);
        var analyzeSteps = Assert.IsType<YamlSequenceNode>(Child(analyze, "steps")).Cast<YamlMappingNode>().ToList();
        var run = Assert.Single(analyzeSteps, s => Scalar(s, "run")?.Contains("analyze --base", StringComparison.Ordinal) == true);
        Assert.Contains("--shard \"$SHARD/$SHARDS\" --format json -o \"part-$SHARD.json\"", Scalar(run, "run"));
        Assert.Equal("${{ matrix.shard }}", Scalar(Child(run, "env"), "SHARD"));
        var upload = Child(Assert.Single(analyzeSteps, s => Scalar(s, "uses")?.StartsWith("actions/upload-artifact@", StringComparison.Ordinal) == true), "with");

        var gate = Child(Child(workflow, "jobs"), "intruder-gate");
        Assert.Equal("analyze", Scalar(gate, "needs"));
        var gateSteps = Assert.IsType<YamlSequenceNode>(Child(gate, "steps")).Cast<YamlMappingNode>().ToList();
        var download = Child(Assert.Single(gateSteps, s => Scalar(s, "uses")?.StartsWith("actions/download-artifact@", StringComparison.Ordinal) == true), "with");
        var inputs = Child(Assert.Single(gateSteps, s => Scalar(s, "uses") == "acme/ModelGate@v1.2.0"), "with");
        Assert.Equal("true", Scalar(inputs, "comment"));
        Assert.Equal("az://acct/spectra/llama", Scalar(inputs, "spectra"));
        foreach (var shard in shards)
        {
            // Every shard's artifact is downloaded, and its part file is among the gate's --analysis files.
            var artifact = Scalar(upload, "name")!.Replace("${{ matrix.shard }}", shard, StringComparison.Ordinal);
            var part = Scalar(upload, "path")!.Replace("${{ matrix.shard }}", shard, StringComparison.Ordinal);
            Assert.True(FileSystemName.MatchesSimpleExpression(Scalar(download, "pattern")!, artifact), artifact);
            Assert.True(FileSystemName.MatchesSimpleExpression(Scalar(inputs, "analysis")!, $"{Scalar(download, "path")}/{part}"), part);
        }
    }

    [Theory]
    [InlineData("0")]
    [InlineData("257")]
    [InlineData("four")]
    public async Task WorkflowTemplate_ShardsOutside1To256_IsRefusedByDotnetNew(string shards)
    {
        using var dir = new TempDirectory();

        var created = await templates.NewAsync(dir.Path, "intruder-gate-workflow", "--shards", shards);

        Assert.NotEqual(0, created.ExitCode);
        Assert.False(File.Exists(dir.File(".github/workflows/intruder-gate.yml")));
    }

    private static YamlMappingNode Load(string path)
    {
        var yaml = new YamlStream();
        using (var reader = new StreamReader(path))
        {
            yaml.Load(reader);
        }

        return Assert.IsType<YamlMappingNode>(Assert.Single(yaml.Documents).RootNode);
    }

    private static List<YamlMappingNode> Steps(YamlMappingNode workflow)
    {
        var job = Assert.IsType<YamlMappingNode>(Assert.Single(Assert.IsType<YamlMappingNode>(Child(workflow, "jobs")).Children).Value);
        return Assert.IsType<YamlSequenceNode>(Child(job, "steps")).Cast<YamlMappingNode>().ToList();
    }

    private static YamlNode Child(YamlNode node, string key) =>
        Assert.IsType<YamlMappingNode>(node).Children.TryGetValue(new YamlScalarNode(key), out var child)
            ? child
            : throw new Xunit.Sdk.XunitException($"no '{key}' in {node}");

    private static string? Scalar(YamlNode node, string key) =>
        Assert.IsType<YamlMappingNode>(node).Children.TryGetValue(new YamlScalarNode(key), out var child) ? (child as YamlScalarNode)?.Value : null;
}
