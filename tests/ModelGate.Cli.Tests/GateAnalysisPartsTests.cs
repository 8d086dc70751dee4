using System.Text.Json;
using System.Text.RegularExpressions;
using ModelGate.Demo;
using ModelGate.Testing;

namespace ModelGate.Cli.Tests;

/// <summary>An analysis split over jobs (analyze --shard K/N), combined by gate --analysis: the same gate as one unsharded run.</summary>
public sealed partial class GateAnalysisPartsTests : IDisposable
{
    private readonly TempDirectory _dir = new();
    private readonly string _base;

    public GateAnalysisPartsTests()
    {
        _base = new TinyModelBuilder().Build(_dir.File("base")).Folder;
    }

    public void Dispose() => _dir.Dispose();

    [Fact]
    public async Task Gate_FourShardsAnalysedByFourProcesses_EqualsTheUnshardedGate()
    {
        var adapter = Adapter("intruders", 3);
        var parts = Enumerable.Range(1, 4).Select(k => _dir.File($"part-{k}.json")).ToArray();
        var jobs = Enumerable.Range(1, 4).Select(k => CliProcess.Start(_dir.Path,
            "analyze", "--base", _base, "--adapter", adapter, "--shard", $"{k}/4", "--format", "json", "-o", parts[k - 1], "--device", "cpu")).ToArray();
        try
        {
            foreach (var job in jobs)
            {
                Assert.True(await job.WaitForExitAsync(TimeSpan.FromMinutes(5)) == 0, job.Error);
            }
        }
        finally
        {
            Array.ForEach(jobs, j => j.Dispose());
        }

        var (whole, wholeOut, wholeError) = await CliRunner.RunAsync(["gate", "--base", _base, "--adapter", adapter, "--json", _dir.File("whole.json"), "--report", _dir.File("whole.md"), "--device", "cpu"]);
        var (combined, combinedOut, combinedError) = await CliRunner.RunAsync(["gate", "--base", _base, "--adapter", adapter, "--json", _dir.File("combined.json"), "--report", _dir.File("combined.md"),
            .. parts.SelectMany(p => new[] { "--analysis", p })]);

        Assert.True(whole == 1, wholeError);
        Assert.True(combined == 1, combinedError);
        var shardSizes = parts.Select(p => JsonDocument.Parse(File.ReadAllText(p)).RootElement.GetProperty("modules").GetArrayLength()).ToArray();
        Assert.Equal(6, shardSizes.Sum());
        Assert.All(parts, p => Assert.Equal(6, JsonDocument.Parse(File.ReadAllText(p)).RootElement.GetProperty("shard").GetProperty("modules").GetInt32()));
        using var w = JsonDocument.Parse(File.ReadAllText(_dir.File("whole.json")));
        using var c = JsonDocument.Parse(File.ReadAllText(_dir.File("combined.json")));
        foreach (var field in new[] { "verdict", "exitCode", "totalIntruders", "rules" })
        {
            Assert.Equal(w.RootElement.GetProperty(field).GetRawText(), c.RootElement.GetProperty(field).GetRawText());
        }

        Assert.Equal(3, c.RootElement.GetProperty("totalIntruders").GetInt32());
        Assert.Equal(w.RootElement.GetProperty("analysis").GetProperty("modules").GetRawText(), c.RootElement.GetProperty("analysis").GetProperty("modules").GetRawText());
        Assert.False(c.RootElement.GetProperty("analysis").TryGetProperty("shard", out _));
        Assert.Equal(Untimed(File.ReadAllText(_dir.File("whole.md"))), Untimed(File.ReadAllText(_dir.File("combined.md"))));
        Assert.Equal(Untimed(wholeOut), Untimed(combinedOut));
    }

    [Fact]
    public async Task Gate_PartsMissingOverlappingOrFromAnotherAdapter_ExitsTwoNamingTheFile()
    {
        var adapter = Adapter("intruders", 3);
        var other = Adapter("other", 2);
        var parts = new List<string>();
        for (var k = 1; k <= 3; k++)
        {
            parts.Add(await AnalyzeAsync(adapter, $"{k}/3", $"part-{k}.json"));
        }

        var foreign = await AnalyzeAsync(other, "2/3", "foreign-2.json");
        var copy = _dir.File("copy-2.json");
        File.Copy(parts[1], copy);

        var missing = await GateAsync(adapter, parts[0], parts[2]);
        var overlapping = await GateAsync(adapter, [.. parts, copy]);
        var mixed = await GateAsync(adapter, parts[0], foreign, parts[2]);
        var (_, _, ok) = await GateAsync(adapter, [.. parts]);

        Assert.Equal(2, missing.Code);
        Assert.Contains("analysis parts missing", missing.Error);
        Assert.Contains("shards not given: 2/3", missing.Error);
        Assert.Equal(2, overlapping.Code);
        Assert.Contains($"error: {copy}: overlaps {parts[1]}: both are shard 2/3", overlapping.Error);
        Assert.Equal(2, mixed.Code);
        Assert.Contains($"error: {foreign}: was computed from other adapter weights", mixed.Error);
        Assert.DoesNotContain("error", ok);
    }

    [Fact]
    public async Task Gate_APartFromAnotherBase_ExitsTwoNamingTheFileAndTheModule()
    {
        var adapter = Adapter("intruders", 3);
        var otherBase = new TinyModelBuilder { Seed = 2 }.Build(_dir.File("other-base")).Folder;
        var part1 = await AnalyzeAsync(adapter, "1/2", "part-1.json");
        var path = _dir.File("foreign-2.json");
        var (analyzed, _, analyzeError) = await CliRunner.RunAsync(["analyze", "--base", otherBase, "--adapter", adapter, "--shard", "2/2", "--format", "json", "-o", path, "--device", "cpu"]);
        Assert.True(analyzed == 0, analyzeError);

        var (code, _, error) = await GateAsync(adapter, part1, path);

        Assert.Equal(2, code);
        Assert.Contains($"error: {path}: \"model.layers.", error);
        Assert.Contains("was computed from another base: its tensor's content key is", error);
        Assert.Single(error.Split('\n', StringSplitOptions.RemoveEmptyEntries), l => l.StartsWith("error:", StringComparison.Ordinal));
    }

    [Theory]
    [InlineData("0/4")]
    [InlineData("5/4")]
    [InlineData("two")]
    public async Task Analyze_ShardNotKOfN_ExitsTwoNamingTheOption(string shard)
    {
        var adapter = Adapter("intruders", 3);

        var (code, _, error) = await CliRunner.RunAsync(["analyze", "--base", _base, "--adapter", adapter, "--shard", shard]);

        Assert.Equal(2, code);
        Assert.Contains($"error: --shard must be K/N with 1 ≤ K ≤ N (e.g. 3/8), got '{shard}'", error);
    }

    [Fact]
    public async Task Analyze_MoreShardsThanModules_WritesAnEmptyShardThatRecordsItself()
    {
        var adapter = Adapter("intruders", 3);

        var part = await AnalyzeAsync(adapter, "8/8", "part-8.json");

        using var doc = JsonDocument.Parse(File.ReadAllText(part));
        Assert.Equal(0, doc.RootElement.GetProperty("modules").GetArrayLength());
        var shard = doc.RootElement.GetProperty("shard");
        Assert.Equal((8, 8, 6), (shard.GetProperty("index").GetInt32(), shard.GetProperty("count").GetInt32(), shard.GetProperty("modules").GetInt32()));
    }

    private async Task<string> AnalyzeAsync(string adapter, string shard, string file)
    {
        var path = _dir.File(file);
        var (code, _, error) = await CliRunner.RunAsync(["analyze", "--base", _base, "--adapter", adapter, "--shard", shard, "--format", "json", "-o", path, "--device", "cpu"]);
        Assert.True(code == 0, error);
        return path;
    }

    private async Task<(int Code, string Out, string Error)> GateAsync(string adapter, params string[] parts) =>
        await CliRunner.RunAsync(["gate", "--base", _base, "--adapter", adapter, .. parts.SelectMany(p => new[] { "--analysis", p })]);

    /// <summary>Six modules: planted intruders in one, the rest aligned with the base.</summary>
    private string Adapter(string name, int intruders)
    {
        var folder = _dir.File(name);
        new LoraAdapterBuilder()
            .WithIntruders("model.layers.0.self_attn.q_proj", intruders)
            .WithAlignedUpdate("model.layers.0.self_attn.v_proj")
            .WithAlignedUpdate("model.layers.0.mlp.down_proj")
            .WithAlignedUpdate("model.layers.1.self_attn.q_proj")
            .WithAlignedUpdate("model.layers.1.self_attn.v_proj")
            .WithAlignedUpdate("model.layers.1.mlp.down_proj")
            .Build(_base, folder);
        return folder;
    }

    /// <summary>The report with its timings and dates taken out: everything else must be equal.</summary>
    private static string Untimed(string text) => Timing().Replace(text, "#");

    [GeneratedRegex(@"\d+(\.\d+)?\s?s\b|\d{4}-\d\d-\d\d[T ][\d:.]+Z?|\(\d+(\.\d+)? s\)")]
    private static partial Regex Timing();
}
