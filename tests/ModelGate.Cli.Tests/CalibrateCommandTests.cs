using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;
using ModelGate.Core.Gating;
using ModelGate.Testing;
using ModelGate.Testing.Datasets;

namespace ModelGate.Cli.Tests;

public sealed class CalibrateCommandTests
{
    private static string Peer(params string[] parts) => Path.Combine([RepositoryPaths.PeerVectors(), .. parts]);

    [Fact]
    public async Task Calibrate_AdaptersFromAFolder_WritesAPolicyTheGateLoadsAndAReportWithTheScatter()
    {
        using var dir = new TempDirectory();
        // PEFT's llama3 adapter at four strengths (lora_alpha scales the update): from barely changed to far off the base.
        foreach (var alpha in new[] { 0.5, 16, 64, 256 })
        {
            Scaled(dir.File(Path.Combine("releases", "alpha-" + alpha.ToString("000.0", CultureInfo.InvariantCulture))), alpha);
        }

        File.Copy(Peer("eval.txt"), dir.File("eval.txt"));

        var (code, stdout, stderr) = await CliRunner.RunAsync("calibrate", "--base", Peer("models", "llama3_gqa_tied"), "--adapters-from", dir.File("releases"),
            "--corpus", dir.File("eval.txt"), "--policy-out", dir.File("calibrated.json"), "--report", dir.File("report"), "--format", "json", "--device", "cpu");

        Assert.True(code == 0, stderr + stdout);
        using var calibration = JsonDocument.Parse(stdout);
        var adapters = calibration.RootElement.GetProperty("adapters");
        Assert.Equal(4, adapters.GetArrayLength());
        Assert.Contains("warning: only 4 adapters", stderr, StringComparison.Ordinal);
        var policy = GatePolicyLoader.LoadFile(dir.File("calibrated.json"));
        Assert.Equal("eval.txt", policy.Forgetting.Corpus);
        // alpha 64 is the one whose perplexity interval clears the 5 % fail level; 52 intruders (alpha 16) do not forget, 56 do.
        var thresholds = calibration.RootElement.GetProperty("thresholds");
        Assert.Equal(52, thresholds.GetProperty("total").GetProperty("level").GetInt32());
        Assert.Equal(0, thresholds.GetProperty("total").GetProperty("wronglyPassed").GetInt32());
        Assert.Equal(new Threshold(52, null), policy.Intruders.Total);
        Assert.Equal(ForgettingWhen.IntrudersAbove, policy.Forgetting.When);

        var markdown = File.ReadAllText(dir.File(Path.Combine("report", "calibration.md")));
        Assert.Contains("```mermaid\nquadrantChart\n", markdown, StringComparison.Ordinal);
        var html = File.ReadAllText(dir.File(Path.Combine("report", "calibration.html")));
        Assert.Equal(4, html.Split("<circle ").Length - 1);

        // The gate reads the calibrated policy as written: under the level it counts and skips the benchmark, above it measures.
        var (under, _, underErr) = await CliRunner.RunAsync("gate", "--base", Peer("models", "llama3_gqa_tied"), "--adapter", dir.File(Path.Combine("releases", "alpha-000.5")),
            "--policy", dir.File("calibrated.json"), "--json", dir.File("under.json"), "--device", "cpu");
        var (above, _, aboveErr) = await CliRunner.RunAsync("gate", "--base", Peer("models", "llama3_gqa_tied"), "--adapter", dir.File(Path.Combine("releases", "alpha-064.0")),
            "--policy", dir.File("calibrated.json"), "--json", dir.File("above.json"), "--device", "cpu");
        Assert.True(under == 0, underErr);
        Assert.True(above == 1, aboveErr);
        using var skipped = JsonDocument.Parse(File.ReadAllText(dir.File("under.json")));
        using var measured = JsonDocument.Parse(File.ReadAllText(dir.File("above.json")));
        Assert.Equal(0, skipped.RootElement.GetProperty("forgetting").GetArrayLength());
        Assert.Contains(skipped.RootElement.GetProperty("warnings").EnumerateArray(), w => w.GetString()!.StartsWith("forgetting rules skipped", StringComparison.Ordinal));
        Assert.Equal(1, measured.RootElement.GetProperty("forgetting").GetArrayLength());
    }

    [Fact]
    public async Task Calibrate_WithoutCorpusOrTasks_IsBadInput()
    {
        var (code, _, stderr) = await CliRunner.RunAsync("calibrate", "--base", Peer("models", "llama3_gqa_tied"), "--adapter", Peer("adapters", "llama3_lora_all"));

        Assert.Equal(2, code);
        Assert.Contains("error: calibrate: give --corpus and/or --tasks", stderr, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Calibrate_LmEvalTaskFromAFile_MeasuredAndWrittenRelativeToThePolicy()
    {
        using var dir = new TempDirectory();
        Scaled(dir.File(Path.Combine("releases", "mild")), 0.5);
        Scaled(dir.File(Path.Combine("releases", "strong")), 256);
        File.Copy(Peer("eval.txt"), dir.File("eval.txt"));
        await ArcParquet.WriteAsync(dir.File("arc.parquet"),
        [
            ArcParquet.Row("What does a function return", ["a value", "a zebra"], ["A", "B"], "A"),
            ArcParquet.Row("Which keyword defines a function", ["banana", "def"], ["A", "B"], "B"),
        ], rowGroupSize: 2);
        Directory.CreateDirectory(dir.File("out"));

        var (code, stdout, stderr) = await CliRunner.RunAsync("calibrate", "--base", Peer("models", "llama3_gqa_tied"), "--adapters-from", dir.File("releases"),
            "--corpus", dir.File("eval.txt"), "--tasks", $"arc_easy={dir.File("arc.parquet")}", "--policy-out", dir.File(Path.Combine("out", "calibrated.json")),
            "--format", "json", "--device", "cpu");

        Assert.True(code == 0, stderr + stdout);
        var policy = GatePolicyLoader.LoadFile(dir.File(Path.Combine("out", "calibrated.json")));
        Assert.Equal(["arc_easy=" + Path.Combine("..", "arc.parquet")], policy.Forgetting.Tasks);
    }

    /// <summary>A copy of the llama3 adapter with its lora_alpha set, which scales the update it makes.</summary>
    private static void Scaled(string folder, double alpha)
    {
        Directory.CreateDirectory(folder);
        var source = Peer("adapters", "llama3_lora_all");
        File.Copy(Path.Combine(source, "adapter_model.safetensors"), Path.Combine(folder, "adapter_model.safetensors"));
        var config = JsonNode.Parse(File.ReadAllText(Path.Combine(source, "adapter_config.json")))!;
        config["lora_alpha"] = alpha;
        File.WriteAllText(Path.Combine(folder, "adapter_config.json"), config.ToJsonString());
    }
}
