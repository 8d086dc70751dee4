using ModelGate.Demo;
using ModelGate.Testing;

namespace ModelGate.Cli.Tests;

public sealed class CacheCommandTests : IDisposable
{
    // One layer of 7 projections; embeddings, norms and the head are not linear weights.
    private const int LinearWeights = 7;

    private readonly TempDirectory _dir = new();
    private readonly string _base;
    private readonly string _cache;

    public CacheCommandTests()
    {
        _base = new TinyModelBuilder { Hidden = 64, Intermediate = 96, Layers = 1 }.Build(_dir.File("base")).Folder;
        _cache = _dir.File("cache");
    }

    public void Dispose() => _dir.Dispose();

    [Fact]
    public async Task Precompute_ComputesEveryLinearWeightOnce_ThenFindsThemCached()
    {
        var (firstCode, first, firstErr) = await CliRunner.RunAsync("precompute", "--base", _base, "--cache", _cache, "--device", "cpu");
        var (secondCode, second, _) = await CliRunner.RunAsync("precompute", "--base", _base, "--cache", _cache, "--device", "cpu");

        Assert.True(firstCode == 0, firstErr);
        Assert.Contains($"{LinearWeights} computed, 0 already cached", first);
        Assert.Contains(_cache, first);
        Assert.Equal(0, secondCode);
        Assert.Contains($"0 computed, {LinearWeights} already cached", second);
        Assert.Contains("precompute [1/7] model.layers.0.mlp.down_proj.weight", firstErr);
    }

    [Fact]
    public async Task Precompute_ThreeShards_ComputeEveryLinearWeightOnceBetweenThem()
    {
        var outputs = new List<string>();
        for (var k = 1; k <= 3; k++)
        {
            var (code, stdout, stderr) = await CliRunner.RunAsync("precompute", "--base", _base, "--cache", _cache, "--device", "cpu", "--shard", $"{k}/3");
            Assert.True(code == 0, stderr);
            outputs.Add(stdout);
        }

        var (_, whole, _) = await CliRunner.RunAsync("precompute", "--base", _base, "--cache", _cache, "--device", "cpu");
        var (badCode, _, badError) = await CliRunner.RunAsync("precompute", "--base", _base, "--cache", _cache, "--shard", "4/3");

        var computed = outputs.Select(o => int.Parse(o[..o.IndexOf(' ', StringComparison.Ordinal)], System.Globalization.CultureInfo.InvariantCulture)).ToArray();
        Assert.Equal(LinearWeights, computed.Sum());
        Assert.All(computed, c => Assert.InRange(c, 1, LinearWeights - 2));
        Assert.Contains("of shard 2/3", outputs[1]);
        Assert.Contains($"0 computed, {LinearWeights} already cached", whole);
        Assert.Equal(2, badCode);
        Assert.Contains("error: --shard must be K/N", badError);
    }

    [Fact]
    public async Task Precompute_Modules_OnlyComputesMatchingWeights()
    {
        var (code, stdout, stderr) = await CliRunner.RunAsync("precompute", "--base", _base, "--cache", _cache, "--modules", "self_attn", "--precision", "f16");

        Assert.True(code == 0, stderr);
        Assert.Contains("4 computed, 0 already cached", stdout);
    }

    [Fact]
    public async Task CacheList_AfterPrecompute_ShowsEachEntryAndTheTotal()
    {
        await CliRunner.RunAsync("precompute", "--base", _base, "--cache", _cache, "--modules", "mlp", "--precision", "bf16");

        var (code, stdout, _) = await CliRunner.RunAsync("cache", "list", "--cache", _cache);

        Assert.Equal(0, code);
        Assert.Contains("96×64", stdout);
        Assert.Contains("64×96", stdout);
        Assert.Contains("BF16", stdout);
        Assert.Contains($"{_base}:model.layers.0.mlp.up_proj.weight", stdout);
        Assert.Contains($"3 cached spectra", stdout);
    }

    [Fact]
    public async Task CachePruneAll_EmptiesTheCache()
    {
        await CliRunner.RunAsync("precompute", "--base", _base, "--cache", _cache);

        var (code, stdout, _) = await CliRunner.RunAsync("cache", "prune", "--all", "--cache", _cache);
        var (_, listed, _) = await CliRunner.RunAsync("cache", "list", "--cache", _cache);

        Assert.Equal(0, code);
        Assert.Contains($"removed {LinearWeights} entries", stdout);
        Assert.Contains("kept 0", stdout);
        Assert.Contains("no cached spectra", listed);
    }

    [Fact]
    public async Task CachePrune_MaxSizeZero_RemovesEverything_AndOlderThanKeepsFreshEntries()
    {
        await CliRunner.RunAsync("precompute", "--base", _base, "--cache", _cache, "--modules", "q_proj");

        var (_, fresh, _) = await CliRunner.RunAsync("cache", "prune", "--older-than", "30d", "--cache", _cache);
        var (_, bySize, _) = await CliRunner.RunAsync("cache", "prune", "--max-size", "0MB", "--cache", _cache);

        Assert.Contains("removed 0 entries", fresh);
        Assert.Contains("removed 1 entries", bySize);
    }

    [Theory]
    [InlineData("--older-than", "banana")]
    [InlineData("--older-than", "30")]
    [InlineData("--max-size", "lots")]
    public async Task CachePrune_BadValue_ExitsTwoNamingTheOption(string option, string value)
    {
        var (code, stdout, stderr) = await CliRunner.RunAsync("cache", "prune", option, value, "--cache", _cache);

        Assert.Equal(2, code);
        Assert.Equal("", stdout);
        Assert.Single(stderr.TrimEnd().Split('\n'));
        Assert.Contains($"{option} '{value}'", stderr);
    }

    [Fact]
    public async Task CachePrune_WithoutWhatToRemove_ExitsTwoRatherThanDeletingEverything()
    {
        await CliRunner.RunAsync("precompute", "--base", _base, "--cache", _cache, "--modules", "q_proj");

        var (code, _, stderr) = await CliRunner.RunAsync("cache", "prune", "--cache", _cache);

        Assert.Equal(2, code);
        Assert.Contains("--all", stderr);
        Assert.Single(Directory.GetFiles(Path.Combine(_cache, "spectra", "v1")));
    }

    [Fact]
    public async Task Precompute_BadPrecision_ExitsTwoNamingTheOption()
    {
        var (code, _, stderr) = await CliRunner.RunAsync("precompute", "--base", _base, "--cache", _cache, "--precision", "f8");

        Assert.Equal(2, code);
        Assert.Contains("--precision 'f8'", stderr);
    }
}
