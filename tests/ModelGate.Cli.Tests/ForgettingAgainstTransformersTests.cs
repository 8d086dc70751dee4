using System.Text.Json;
using ModelGate.Testing;

namespace ModelGate.Cli.Tests;

/// <summary>
/// <c>forgetting</c> end to end against an independent reference computed with transformers 5.17 and PEFT 0.21
/// (tests/vectors/transformers/metrics/reference_metrics.py: the HF perplexity guide's strided
/// window over each paragraph with BOS/EOS prepended, lm-eval's context/continuation split, acc and acc_norm),
/// base and PEFT-merged, with a 24-token window and stride 8 so every document spans several windows.
/// </summary>
public sealed class ForgettingAgainstTransformersTests
{
    private static readonly string Vectors = Path.Combine(RepositoryPaths.TransformersVectors(), "metrics");

    [Fact]
    public Task Forgetting_Llama2WithDora_MatchesTransformersAndLmEval() => Check("llama2", "llama2_dora");

    [Fact]
    public Task Forgetting_Gpt2WithFanInFanOut_MatchesTransformersAndLmEval() => Check("gpt2", "gpt2_fan_in_fan_out");

    private static async Task Check(string arch, string adapter)
    {
        using var dir = new TempDirectory();
        var peer = RepositoryPaths.PeerVectors();
        var (code, _, stderr) = await CliRunner.RunAsync("forgetting", "--base", Path.Combine(peer, "models", arch), "--adapter", Path.Combine(peer, "adapters", adapter),
            "--corpus", Path.Combine(peer, "eval.txt"), "--tasks", Path.Combine(Vectors, "mc.jsonl"), "--max-length", "24", "--stride", "8",
            "--bootstrap", "0", "--device", "cpu", "--format", "json", "-o", dir.File("ours.json"));
        Assert.True(code == 0, stderr);

        using var ours = JsonDocument.Parse(File.ReadAllText(dir.File("ours.json")));
        using var reference = JsonDocument.Parse(File.ReadAllText(Path.Combine(Vectors, "reference_metrics.json")));
        var expected = reference.RootElement.GetProperty(arch);
        var metrics = ours.RootElement.GetProperty("metrics").EnumerateArray().ToDictionary(m => m.GetProperty("metric").GetString()!);
        foreach (var side in new[] { "base", "merged" })
        {
            var e = expected.GetProperty(side);
            AssertRelative(e.GetProperty("perplexity").GetDouble(), metrics["perplexityIncreasePct"].GetProperty(side).GetDouble(), 1e-5);
            AssertRelative(e.GetProperty("word_perplexity").GetDouble(), metrics["word_perplexity"].GetProperty(side).GetDouble(), 1e-4);
            AssertRelative(e.GetProperty("byte_perplexity").GetDouble(), metrics["byte_perplexity"].GetProperty(side).GetDouble(), 1e-5);
            Assert.Equal(e.GetProperty("bits_per_byte").GetDouble(), metrics["bits_per_byte"].GetProperty(side).GetDouble(), 1e-5);
            Assert.Equal(e.GetProperty("acc").GetDouble(), metrics["accuracyDropPts"].GetProperty(side).GetDouble(), 1e-9);
            Assert.Equal(e.GetProperty("acc_norm").GetDouble(), metrics["accNormDropPts"].GetProperty(side).GetDouble(), 1e-9);
        }
    }

    private static void AssertRelative(double expected, double actual, double tolerance) =>
        Assert.True(Math.Abs(actual - expected) <= tolerance * Math.Abs(expected), $"expected {expected}, got {actual} (relative tolerance {tolerance})");
}
