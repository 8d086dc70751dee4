using System.Globalization;
using System.Text.Json;
using ModelGate.Demo;
using ModelGate.Testing;

namespace ModelGate.Cli.Tests;

/// <summary>
/// Issue #17 part 6, lineage in the gate: given the earlier releases, the gate holds the growth of the cumulative
/// intruders across the chain (the lineage verb's numbers) to the policy's intruders.lineageGrowth (MG0005).
/// </summary>
public sealed class GateLineageTests : IDisposable
{
    private readonly TempDirectory _dir = new();
    private readonly string _base;
    private readonly IReadOnlyList<string> _releases;

    public GateLineageTests()
    {
        _base = new TinyModelBuilder().Build(_dir.File("base")).Folder;
        // Cumulative 2 after the first release, 5 after the second (LineageCommandTests): +3 across the chain.
        _releases = new AdapterLineageBuilder()
            .Then(new LoraAdapterBuilder().WithIntruders("model.layers.0.self_attn.q_proj", 2))
            .Then(new LoraAdapterBuilder().WithIntruders("model.layers.1.self_attn.v_proj", 3).WithAlignedUpdate("model.layers.0.self_attn.q_proj"))
            .Build(_base, _dir.File("lineage"));
    }

    public void Dispose() => _dir.Dispose();

    [Theory]
    [InlineData(2, 1, "fail")]
    [InlineData(3, 0, "pass")]
    public async Task Gate_WithLineage_HoldsTheCumulativeGrowthAcrossTheChainToTheLevel(int fail, int expectedCode, string expectedStatus)
    {
        var (code, stdout, stderr) = await CliRunner.RunAsync("gate", "--base", _base, "--adapter", _releases[1], "--lineage", _releases[0],
            "--policy", Policy(fail), "--json", _dir.File("verdict.json"), "--device", "cpu");

        Assert.True(code == expectedCode, stderr + stdout);
        using var json = JsonDocument.Parse(File.ReadAllText(_dir.File("verdict.json")));
        var rule = json.RootElement.GetProperty("rules").EnumerateArray().Single(r => r.GetProperty("code").GetString() == "MG0005");
        Assert.Equal(expectedStatus, rule.GetProperty("status").GetString());
        Assert.Equal(3, rule.GetProperty("observed").GetDouble());
        Assert.StartsWith("+3 cumulative across 2 releases (2 after ", rule.GetProperty("message").GetString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Gate_WithoutLineage_DoesNotEvaluateTheLineageRule()
    {
        var (code, _, stderr) = await CliRunner.RunAsync("gate", "--base", _base, "--adapter", _releases[1],
            "--policy", Policy(2), "--json", _dir.File("verdict.json"), "--device", "cpu");

        Assert.True(code == 0, stderr);
        using var json = JsonDocument.Parse(File.ReadAllText(_dir.File("verdict.json")));
        Assert.DoesNotContain(json.RootElement.GetProperty("rules").EnumerateArray(), r => r.GetProperty("code").GetString() == "MG0005");
    }

    /// <summary>Only the lineage rule: the release under test has more intruders than the default per-module level allows.</summary>
    private string Policy(int fail)
    {
        var path = _dir.File("policy.json");
        File.WriteAllText(path, string.Create(CultureInfo.InvariantCulture,
            $$"""{ "intruders": { "total": null, "perModule": [], "perLayer": null, "growth": null, "lineageGrowth": { "fail": {{fail}} } } }"""));
        return path;
    }
}
