using System.Globalization;
using System.Text.Json;

namespace ModelGate.Cli.Tests;

/// <summary>
/// Issue #17 part 6, lineage in the gate: given the earlier releases, the gate holds the growth of the cumulative
/// intruders across the chain (the lineage verb's numbers) to the policy's intruders.lineageGrowth (MG0005).
/// </summary>
public sealed class GateLineageTests : IDisposable
{
    private readonly TwoReleaseLineage _lineage = new();
    private readonly string _base;
    private readonly IReadOnlyList<string> _releases;

    public GateLineageTests()
    {
        _base = _lineage.Base;
        _releases = _lineage.Releases;
    }

    public void Dispose() => _lineage.Dispose();

    [Theory]
    [InlineData(2, 1, "fail")]
    [InlineData(3, 0, "pass")]
    public async Task Gate_WithLineage_HoldsTheCumulativeGrowthAcrossTheChainToTheLevel(int fail, int expectedCode, string expectedStatus)
    {
        var (code, stdout, stderr) = await CliRunner.RunAsync("gate", "--base", _base, "--adapter", _releases[1], "--lineage", _releases[0],
            "--policy", Policy(fail), "--json", _lineage.File("verdict.json"), "--device", "cpu");

        Assert.True(code == expectedCode, stderr + stdout);
        using var json = JsonDocument.Parse(File.ReadAllText(_lineage.File("verdict.json")));
        var rule = json.RootElement.GetProperty("rules").EnumerateArray().Single(r => r.GetProperty("code").GetString() == "MG0005");
        Assert.Equal(expectedStatus, rule.GetProperty("status").GetString());
        Assert.Equal(3, rule.GetProperty("observed").GetDouble());
        Assert.StartsWith("+3 cumulative across 2 releases (2 after ", rule.GetProperty("message").GetString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Gate_WithoutLineage_DoesNotEvaluateTheLineageRule()
    {
        var (code, _, stderr) = await CliRunner.RunAsync("gate", "--base", _base, "--adapter", _releases[1],
            "--policy", Policy(2), "--json", _lineage.File("verdict.json"), "--device", "cpu");

        Assert.True(code == 0, stderr);
        using var json = JsonDocument.Parse(File.ReadAllText(_lineage.File("verdict.json")));
        Assert.DoesNotContain(json.RootElement.GetProperty("rules").EnumerateArray(), r => r.GetProperty("code").GetString() == "MG0005");
    }

    /// <summary>Only the lineage rule: the release under test has more intruders than the default per-module level allows.</summary>
    private string Policy(int fail)
    {
        var path = _lineage.File("policy.json");
        File.WriteAllText(path, string.Create(CultureInfo.InvariantCulture,
            $$"""{ "intruders": { "total": null, "perModule": [], "perLayer": null, "growth": null, "lineageGrowth": { "fail": {{fail}} } } }"""));
        return path;
    }
}
