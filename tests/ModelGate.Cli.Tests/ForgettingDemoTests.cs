using System.Text.Json;
using ModelGate.Demo;
using ModelGate.Testing;

namespace ModelGate.Cli.Tests;

/// <summary>
/// The "done when": on trained models, the gate with a forgetting policy blocks the adapter that forgets the
/// base's prose and allows the mild one, and <c>forgetting</c> shows the first's perplexity increase clearly above the second's.
/// </summary>
[Collection(TrainedModelsCollection.Name)]
public sealed class ForgettingDemoTests(ForgettingDemoFixture fixture) : IClassFixture<ForgettingDemoFixture>
{
    private ForgettingDemo Demo => fixture.Demo;

    private async Task<JsonElement> PerplexityIncrease(string adapter, TempDirectory dir)
    {
        var file = dir.File(Path.GetFileName(adapter) + ".json");
        var (code, _, stderr) = await CliRunner.RunAsync("forgetting", "--base", Demo.BaseModel, "--adapter", adapter, "--corpus", Demo.HeldOutProse,
            "--device", "cpu", "--format", "json", "-o", file);
        Assert.True(code == 0, stderr);
        using var json = JsonDocument.Parse(File.ReadAllText(file));
        return json.RootElement.GetProperty("metrics").EnumerateArray().Single(m => m.GetProperty("metric").GetString() == "perplexityIncreasePct").Clone();
    }

    [Fact]
    public async Task Forgetting_ForgettingAdapter_PerplexityIncreaseClearlyAboveTheMildAdapters()
    {
        using var dir = new TempDirectory();

        var forgets = await PerplexityIncrease(Demo.ForgettingAdapter, dir);
        var mild = await PerplexityIncrease(Demo.MildAdapter, dir);

        // Measured: about +780 % [+740, +830] against about −1 % [−1.1, −0.7] on 46 held-out paragraphs.
        Assert.True(forgets.GetProperty("ciLow").GetDouble() > 100, forgets.ToString());
        Assert.True(forgets.GetProperty("ciLow").GetDouble() > mild.GetProperty("ciHigh").GetDouble() + 100, $"{forgets} vs {mild}");
        Assert.InRange(mild.GetProperty("delta").GetDouble(), -5, 2);
    }

    [Fact]
    public async Task Gate_ForgettingPolicy_BlocksTheAdapterThatForgets_AllowsTheMildOne()
    {
        using var dir = new TempDirectory();

        var (forgetsCode, forgetsOut, forgetsErr) = await CliRunner.RunAsync("gate", "--base", Demo.BaseModel, "--adapter", Demo.ForgettingAdapter,
            "--corpus", Demo.HeldOutProse, "--device", "cpu", "--json", dir.File("forgets.json"));
        var (mildCode, mildOut, mildErr) = await CliRunner.RunAsync("gate", "--base", Demo.BaseModel, "--adapter", Demo.MildAdapter,
            "--corpus", Demo.HeldOutProse, "--device", "cpu", "--json", dir.File("mild.json"));

        Assert.True(forgetsCode == 1, forgetsErr + forgetsOut);
        Assert.True(mildCode == 0, mildErr + mildOut);
        Assert.Equal("fail", Rule(dir.File("forgets.json"), "MG0101"));
        Assert.Equal("pass", Rule(dir.File("mild.json"), "MG0101"));
        Assert.Contains("FAIL MG0101 perplexityIncreasePct on prose-heldout.txt", forgetsOut);
    }

    [Fact]
    public async Task Gate_DefaultPolicyOnIntrudersAlone_BlocksTheAdapterThatForgets_AllowsTheMildOne()
    {
        using var dir = new TempDirectory();

        // No corpus: the built-in policy's intruder levels (derived in docs/study/study.md) decide by themselves.
        var (forgetsCode, forgetsOut, forgetsErr) = await CliRunner.RunAsync("gate", "--base", Demo.BaseModel, "--adapter", Demo.ForgettingAdapter,
            "--device", "cpu", "--json", dir.File("forgets.json"));
        var (mildCode, mildOut, mildErr) = await CliRunner.RunAsync("gate", "--base", Demo.BaseModel, "--adapter", Demo.MildAdapter,
            "--device", "cpu", "--json", dir.File("mild.json"));

        Assert.True(forgetsCode == 1, forgetsErr + forgetsOut);
        Assert.True(mildCode == 0, mildErr + mildOut);
        Assert.Contains("fail", Rules(dir.File("forgets.json"), "MG0002"));
        Assert.All(Rules(dir.File("mild.json"), "MG0002"), status => Assert.Equal("pass", status));
    }

    [Fact]
    public async Task ForgettingDemo_OnABuiltFolder_ReusesIt_AndShowsOneBlockedOneAllowed()
    {
        var root = Path.GetDirectoryName(Demo.BaseModel)!;

        var (code, stdout, stderr) = await CliRunner.RunAsync("forgetting-demo", "--folder", root, "--device", "cpu");

        Assert.True(code == 0, stderr);
        Assert.Contains("reusing the demo", stderr);
        var mild = stdout.IndexOf("== adapter trained gently", StringComparison.Ordinal);
        Assert.True(mild > 0, stdout);
        Assert.Contains("gate FAIL: release blocked", stdout[..mild]);
        Assert.Contains("gate PASS: release allowed", stdout[mild..]);
    }

    /// <summary>The statuses of every rule with <paramref name="code"/>: per-module rules come once per module.</summary>
    private static string[] Rules(string verdict, string code)
    {
        using var json = JsonDocument.Parse(File.ReadAllText(verdict));
        return [.. json.RootElement.GetProperty("rules").EnumerateArray().Where(r => r.GetProperty("code").GetString() == code).Select(r => r.GetProperty("status").GetString()!)];
    }

    private static string Rule(string verdict, string code)
    {
        using var json = JsonDocument.Parse(File.ReadAllText(verdict));
        return json.RootElement.GetProperty("rules").EnumerateArray().Single(r => r.GetProperty("code").GetString() == code).GetProperty("status").GetString()!;
    }
}
