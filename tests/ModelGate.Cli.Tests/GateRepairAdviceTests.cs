using System.Globalization;
using System.Text.Json;
using ModelGate.Demo;
using ModelGate.Testing;

namespace ModelGate.Cli.Tests;

/// <summary>
/// Issue #17 part 5: a failing gate says which repair would pass. The intruder rules are answered by recounting after
/// the exact repair; forgetting is never claimed without a measurement (mitigate --sweep).
/// </summary>
public sealed class GateRepairAdviceTests : IDisposable
{
    private readonly TempDirectory _dir = new();
    private readonly string _base;
    private readonly string _adapter;

    public GateRepairAdviceTests()
    {
        _base = new TinyModelBuilder().Build(_dir.File("base")).Folder;
        _adapter = _dir.File("adapter");
        // 3 intruders in one module: above the default per-module fail level of 2.
        new LoraAdapterBuilder().WithIntruders("model.layers.0.self_attn.q_proj", 3).Build(_base, _adapter);
    }

    public void Dispose() => _dir.Dispose();

    [Fact]
    public async Task Gate_SuggestRepairOnABlockedRelease_NamesTheSmallestRepairThatARecountPasses()
    {
        var (code, stdout, stderr) = await CliRunner.RunAsync("gate", "--base", _base, "--adapter", _adapter, "--suggest-repair",
            "--json", _dir.File("verdict.json"), "--device", "cpu");

        Assert.True(code == 1, stderr + stdout);
        using var json = JsonDocument.Parse(File.ReadAllText(_dir.File("verdict.json")));
        var repair = json.RootElement.GetProperty("repair");
        Assert.False(repair.GetProperty("forgettingBlocked").GetBoolean());
        var recounts = repair.GetProperty("recounts").EnumerateArray().ToArray();
        Assert.Equal([0.75, 0.5, 0.25, 0], recounts.Select(r => r.GetProperty("lambda").GetDouble()));
        var passing = recounts.Where(r => r.GetProperty("intruderRulesPass").GetBoolean()).Select(r => r.GetProperty("lambda").GetDouble()).ToArray();
        Assert.NotEmpty(passing);
        var lambda = repair.GetProperty("intrudersPassAtLambda").GetDouble();
        Assert.Equal(passing.Max(), lambda);
        Assert.Contains($"--lambda {lambda.ToString(CultureInfo.InvariantCulture)} --output DIR", stdout);
        Assert.Contains("forgetting was not measured for it", stdout);

        // The claim holds: the repair at that λ passes the gate's intruder rules.
        var text = lambda.ToString(CultureInfo.InvariantCulture);
        var (mitigated, _, mitigateErr) = await CliRunner.RunAsync("mitigate", "--base", _base, "--adapter", _adapter, "--lambda", text, "--output", _dir.File("repaired"));
        Assert.True(mitigated == 0, mitigateErr);
        var (gated, gateOut, gateErr) = await CliRunner.RunAsync("gate", "--base", _base, "--adapter", _dir.File("repaired"), "--device", "cpu");
        Assert.True(gated == 0, gateErr + gateOut);
    }

    [Fact]
    public async Task Gate_WithoutSuggestRepair_WritesNoRepairAdvice()
    {
        var (code, _, stderr) = await CliRunner.RunAsync("gate", "--base", _base, "--adapter", _adapter, "--json", _dir.File("verdict.json"), "--device", "cpu");

        Assert.True(code == 1, stderr);
        using var json = JsonDocument.Parse(File.ReadAllText(_dir.File("verdict.json")));
        Assert.False(json.RootElement.TryGetProperty("repair", out _));
    }
}
