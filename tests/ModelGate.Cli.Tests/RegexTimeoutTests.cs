using System.Text.Json.Nodes;
using ModelGate.Demo;
using ModelGate.Testing;

namespace ModelGate.Cli.Tests;

/// <summary>
/// A pattern that backtracks catastrophically on a module name is stopped by the 1 s match timeout; that is the
/// pattern's fault, so it is bad input (exit 2) naming the field and the pattern, not an internal error.
/// </summary>
public sealed class RegexTimeoutTests : IDisposable
{
    // Nested quantifiers over every character of a weight name, then a character no name has: 2^length ways to fail.
    private const string Catastrophic = @"([\w.]+)+!";

    private readonly TempDirectory _dir = new();
    private readonly string _base;
    private readonly string _adapter;

    public RegexTimeoutTests()
    {
        _base = new TinyModelBuilder().Build(_dir.File("base")).Folder;
        _adapter = new LoraAdapterBuilder().WithIntruders("model.layers.0.self_attn.q_proj", 1).Build(_base, _dir.File("adapter"));
    }

    public void Dispose() => _dir.Dispose();

    [Fact]
    public async Task CatastrophicTargetModules_IsBadInput_NamingTheFieldAndThePattern()
    {
        var config = EditConfig(c => c["target_modules"] = Catastrophic);

        var stderr = await RunExpectingBadInput("analyze", "--base", _base, "--adapter", _adapter);

        Assert.StartsWith($"error: {config}: target_modules \"{Catastrophic}\" took over 1 s to match \"model.layers.0.self_attn.q_proj\"", stderr);
    }

    [Fact]
    public async Task CatastrophicRankPatternKey_IsBadInput_NamingTheFieldAndThePattern()
    {
        var config = EditConfig(c => c["rank_pattern"] = new JsonObject { [Catastrophic] = 4 });

        var stderr = await RunExpectingBadInput("analyze", "--base", _base, "--adapter", _adapter);

        Assert.StartsWith($"error: {config}: rank_pattern key \"{Catastrophic}\" took over 1 s to match", stderr);
    }

    [Fact]
    public async Task CatastrophicPolicyMatch_IsBadInput_NamingTheEntryAndThePattern()
    {
        var policy = _dir.File("policy.json");
        File.WriteAllText(policy, $$"""{ "intruders": { "perModule": [ { "match": "*.q_proj", "fail": 5 }, { "match": "*.v_proj", "fail": 5 }, { "match": "regex:{{Catastrophic.Replace(@"\", @"\\", StringComparison.Ordinal)}}", "fail": 5 } ] } }""");

        var stderr = await RunExpectingBadInput("gate", "--base", _base, "--adapter", _adapter, "--policy", policy, "--device", "cpu");

        Assert.StartsWith($"error: {policy}: 'intruders.perModule[2].match' \"{Catastrophic}\" took over 1 s to match \"model.layers.0.self_attn.q_proj.weight\"", stderr);
    }

    private string EditConfig(Action<JsonObject> edit)
    {
        var path = Path.Combine(_adapter, "adapter_config.json");
        var config = JsonNode.Parse(File.ReadAllText(path))!.AsObject();
        edit(config);
        File.WriteAllText(path, config.ToJsonString());
        return path;
    }

    private static async Task<string> RunExpectingBadInput(params string[] args)
    {
        var (code, stdout, stderr) = await CliRunner.RunAsync(args);

        Assert.True(code == 2, $"exit {code}\n{stdout}\n{stderr}");
        Assert.DoesNotContain("at ModelGate", stderr);
        return Assert.Single(stderr.Split('\n', StringSplitOptions.RemoveEmptyEntries), l => l.StartsWith("error:", StringComparison.Ordinal));
    }
}
