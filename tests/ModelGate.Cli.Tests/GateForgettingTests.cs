using System.Text.Json;
using ModelGate.Testing;

namespace ModelGate.Cli.Tests;

public sealed class GateForgettingTests
{
    private static string Peer(params string[] parts) => Path.Combine([RepositoryPaths.PeerVectors(), .. parts]);

    /// <summary>Intruder rules off, so only the forgetting rule decides.</summary>
    private static string Policy(TempDirectory dir, string forgetting)
    {
        File.WriteAllText(dir.File("policy.json"), $$"""
            { "intruders": { "total": null, "perModule": [], "perLayer": null, "growth": null }, "forgetting": {{forgetting}} }
            """);
        return dir.File("policy.json");
    }

    [Fact]
    public async Task Gate_ForgettingAboveTheLevelButWithinNoise_WarnsNotFails_AndTheVerdictCarriesTheObservation()
    {
        using var dir = new TempDirectory();
        var policy = Policy(dir, """{ "corpus": "eval.txt", "perplexityIncreasePct": { "fail": 5 } }""");
        File.Copy(Peer("eval.txt"), dir.File("eval.txt"));

        var (code, stdout, stderr) = await CliRunner.RunAsync("gate", "--base", Peer("models", "llama3_gqa_tied"), "--adapter", Peer("adapters", "llama3_lora_all"),
            "--policy", policy, "--json", dir.File("verdict.json"), "--device", "cpu");

        // +11.6 % on eval.txt, but the 95 % interval over its 8 paragraphs reaches below +5 %: a warning, not a block.
        Assert.True(code == 0, stderr + stdout);
        using var verdict = JsonDocument.Parse(File.ReadAllText(dir.File("verdict.json")));
        var observation = verdict.RootElement.GetProperty("forgetting").EnumerateArray().Single();
        Assert.Equal("perplexityIncreasePct", observation.GetProperty("metric").GetString());
        Assert.Equal("eval.txt", observation.GetProperty("dataset").GetString());
        Assert.True(observation.GetProperty("delta").GetDouble() > 5);
        Assert.True(observation.GetProperty("ciLow").GetDouble() < 5);
        var rule = verdict.RootElement.GetProperty("rules").EnumerateArray().Single(r => r.GetProperty("code").GetString() == "MG0101");
        Assert.Equal("warn", rule.GetProperty("status").GetString());
    }

    [Fact]
    public async Task Gate_CorpusOption_OverridesThePolicy_MissingFileIsBadInput()
    {
        using var dir = new TempDirectory();

        var (code, _, stderr) = await CliRunner.RunAsync("gate", "--base", Peer("models", "llama2"), "--adapter", Peer("adapters", "llama2_dora"),
            "--policy", Policy(dir, "{}"), "--corpus", dir.File("missing.txt"), "--device", "cpu");

        Assert.Equal(2, code);
        Assert.Contains("missing.txt: corpus file not found", stderr);
    }
}
