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
