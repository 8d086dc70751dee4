using System.Text.Json;
using ModelGate.Testing;
using ModelGate.Testing.Datasets;

namespace ModelGate.Cli.Tests;

public sealed class ForgettingCommandTests
{
    private static string Peer(params string[] parts) => Path.Combine([RepositoryPaths.PeerVectors(), .. parts]);

    private static void WriteTask(string path) => File.WriteAllLines(path,
    [
        """{"context": "Return the number of", "choices": ["arguments.", "zebras."], "label": 0}""",
        """{"query": "The module provides", "choices": ["functions", "bananas", "rockets"], "gold": 0}""",
        """{"context": "Get useful information from live", "choices": ["Python objects.", "cheese."], "label": 0}""",
    ]);

    [Fact]
    public async Task Forgetting_CausalAdapter_TableOfBaseAndMergedWithDeltasAndIntervals()
    {
        using var dir = new TempDirectory();
        WriteTask(dir.File("task.jsonl"));

        var (code, stdout, stderr) = await CliRunner.RunAsync("forgetting", "--base", Peer("models", "llama3_gqa_tied"), "--adapter", Peer("adapters", "llama3_lora_all"),
            "--corpus", Peer("eval.txt"), "--tasks", dir.File("task.jsonl"), "--max-length", "48", "--stride", "24", "--bootstrap", "200", "--device", "cpu");

        Assert.True(code == 0, stderr);
        Assert.Contains("perplexity (Δ in %)", stdout);
        Assert.Contains("bits per byte", stdout);
        Assert.Contains("acc % (Δ = drop, pts)", stdout);
        Assert.Contains("acc_norm %", stdout);
        Assert.Contains("200 paired-bootstrap resamples", stdout);
        Assert.Contains("tok/s", stderr); // the progress lines carry the throughput
    }

    [Fact]
    public async Task Forgetting_JsonToFile_TheContractWithGatedMetrics()
    {
        using var dir = new TempDirectory();

        var (code, stdout, stderr) = await CliRunner.RunAsync("forgetting", "--base", Peer("models", "gpt2"), "--adapter", Peer("adapters", "gpt2_fan_in_fan_out"),
            "--corpus", Peer("eval.txt"), "--max-length", "64", "--bootstrap", "100", "--device", "cpu", "--format", "json", "-o", dir.File("f.json"));

        Assert.True(code == 0, stderr);
        Assert.Equal("", stdout);
        using var json = JsonDocument.Parse(File.ReadAllText(dir.File("f.json")));
        var root = json.RootElement;
        Assert.Equal("modelgate.forgetting", root.GetProperty("kind").GetString());
        Assert.Equal("causal", root.GetProperty("modelKind").GetString());
        var gated = root.GetProperty("metrics").EnumerateArray().Single(m => m.GetProperty("gated").GetBoolean());
        Assert.Equal("perplexityIncreasePct", gated.GetProperty("metric").GetString());
        var (b, m, d) = (gated.GetProperty("base").GetDouble(), gated.GetProperty("merged").GetDouble(), gated.GetProperty("delta").GetDouble());
        Assert.Equal(100 * ((m / b) - 1), d, 9);
        Assert.InRange(d, gated.GetProperty("ciLow").GetDouble(), gated.GetProperty("ciHigh").GetDouble());
        Assert.True(root.GetProperty("throughput").GetProperty("base").GetProperty("tokensPerSecond").GetDouble() > 0);
    }

    [Theory]
    [InlineData("missing-corpus", "corpus file not found")]
    [InlineData("bad-line", "bad.jsonl:2: not valid JSON")]
    [InlineData("label", "task.jsonl:1: label 3 is out of range for 2 choices")]
    [InlineData("empty", "the corpus is empty")]
    [InlineData("no-adapter", "--adapter missing: forgetting compares the base with at least one adapter")]
    [InlineData("dtype", "--dtype 'float16' is not one of float32, bfloat16")]
    [InlineData("nothing", "nothing to measure")]
    [InlineData("unknown-task", "there is no task arc_medium; known tasks: hellaswag, arc_easy")]
    [InlineData("limit", "--limit 0: must be at least 1")]
    public async Task Forgetting_BadInput_OneLineErrorAndExitTwo(string kind, string message)
    {
        using var dir = new TempDirectory();
        File.WriteAllText(dir.File("bad.jsonl"), "{\"text\": \"ok\"}\n{oops\n");
        File.WriteAllText(dir.File("task.jsonl"), "{\"context\": \"a\", \"choices\": [\"b\", \"c\"], \"label\": 3}\n");
        File.WriteAllText(dir.File("empty.txt"), "\n\n");
        File.WriteAllText(dir.File("ok.txt"), "some text");
        string[] common = ["forgetting", "--base", dir.Path, "--device", "cpu"];
        string[] args = kind switch
        {
            "missing-corpus" => [.. common, "--adapter", dir.Path, "--corpus", dir.File("nope.txt")],
            "bad-line" => [.. common, "--adapter", dir.Path, "--corpus", dir.File("bad.jsonl")],
            "label" => [.. common, "--adapter", dir.Path, "--corpus", dir.File("ok.txt"), "--tasks", dir.File("task.jsonl")],
            "empty" => [.. common, "--adapter", dir.Path, "--corpus", dir.File("empty.txt")],
            "no-adapter" => [.. common, "--corpus", dir.File("ok.txt")],
            "dtype" => [.. common, "--adapter", dir.Path, "--corpus", dir.File("ok.txt"), "--dtype", "float16"],
            "unknown-task" => [.. common, "--adapter", dir.Path, "--tasks", $"arc_medium={dir.File("task.jsonl")}"],
            "limit" => [.. common, "--adapter", dir.Path, "--tasks", dir.File("task.jsonl"), "--limit", "0"],
            _ => [.. common, "--adapter", dir.Path],
        };

        var (code, stdout, stderr) = await CliRunner.RunAsync(args);

        Assert.Equal(2, code);
        Assert.Equal("", stdout);
        Assert.Contains(message, stderr);
        Assert.Single(stderr.Trim().Split('\n'));
    }

    [Fact]
    public async Task Forgetting_ArcEasyParquetWithLimit_ScoresTheFirstRowsAndNamesTaskSplitAndRows()
    {
        using var dir = new TempDirectory();
        await ArcParquet.WriteAsync(dir.File("arc.parquet"),
        [
            ArcParquet.Row("What does a function return", ["a value", "a zebra"], ["A", "B"], "A"),
            ArcParquet.Row("Which keyword defines a function", ["banana", "def", "rocket"], ["1", "2", "3"], "2"),
            ArcParquet.Row("Not read past the limit", ["x", "y"], ["A", "B"], "Z"),
        ], rowGroupSize: 3);

        var (code, stdout, stderr) = await CliRunner.RunAsync("forgetting", "--base", Peer("models", "llama3_gqa_tied"), "--adapter", Peer("adapters", "llama3_lora_all"),
            "--tasks", $"arc_easy={dir.File("arc.parquet")}", "--limit", "2", "--bootstrap", "50", "--device", "cpu", "--format", "json", "-o", dir.File("f.json"));

        Assert.True(code == 0, stderr);
        using var json = JsonDocument.Parse(File.ReadAllText(dir.File("f.json")));
        var dataset = json.RootElement.GetProperty("datasets").EnumerateArray().Single();
        Assert.Equal(("arc_easy", "arc_easy", "test", JsonValueKind.Null, 2),
            (dataset.GetProperty("name").GetString(), dataset.GetProperty("task").GetString(), dataset.GetProperty("split").GetString(),
             dataset.GetProperty("revision").ValueKind, dataset.GetProperty("rows").GetInt32()));
        Assert.Equal(64, dataset.GetProperty("sha256").GetString()!.Length);
        var acc = json.RootElement.GetProperty("metrics").EnumerateArray().Single(m => m.GetProperty("metric").GetString() == "accuracyDropPts");
        Assert.Equal("arc_easy", acc.GetProperty("dataset").GetString());
        Assert.True(acc.GetProperty("base").GetDouble() is 0 or 50 or 100); // two items scored
    }

    [Fact]
    public async Task ForgettingBench_BatchedAgainstOneByOne_SideBySideWithTheRatio()
    {
        var (code, stdout, stderr) = await CliRunner.RunAsync("forgetting-bench", "--base", Peer("models", "qwen2"), "--documents", "6", "--max-length", "32", "--device", "cpu");

        Assert.True(code == 0, stderr);
        Assert.Contains("| qwen2 | cpu | float32 |", stdout);
        Assert.Matches(@"tok/s \(batch 8\) \| [\d,]+ tok/s \| [\d.]+× \| \d\.\dE-\d+ \|", stdout);
    }

    [Fact]
    public async Task Forgetting_FileUris_MeasuresWhatTheFoldersMeasure()
    {
        using var dir = new TempDirectory();
        string[] Run(string model, string adapter, string output) => ["forgetting", "--base", model, "--adapter", adapter, "--corpus", Peer("eval.txt"),
            "--max-length", "64", "--bootstrap", "0", "--device", "cpu", "--format", "json", "-o", dir.File(output)];
        var (model, adapter) = (Peer("models", "gpt2"), Peer("adapters", "gpt2_fan_in_fan_out"));

        var byUri = await CliRunner.RunAsync(Run(new Uri(model).AbsoluteUri, new Uri(adapter).AbsoluteUri, "uri.json"));
        var byFolder = await CliRunner.RunAsync(Run(model, adapter, "folder.json"));

        Assert.True(byUri.ExitCode == 0, byUri.Error);
        Assert.True(byFolder.ExitCode == 0, byFolder.Error);
        static double[] Values(string file)
        {
            using var json = JsonDocument.Parse(File.ReadAllText(file));
            return [.. json.RootElement.GetProperty("metrics").EnumerateArray().SelectMany(m => new[] { m.GetProperty("base").GetDouble(), m.GetProperty("merged").GetDouble() })];
        }

        Assert.Equal(Values(dir.File("folder.json")), Values(dir.File("uri.json")));
    }

    [Fact]
    public async Task ForgettingBench_FileUri_RunsTheModelItNames()
    {
        var (code, stdout, stderr) = await CliRunner.RunAsync("forgetting-bench", "--base", new Uri(Peer("models", "qwen2")).AbsoluteUri, "--documents", "2", "--max-length", "16", "--device", "cpu");

        Assert.True(code == 0, stderr);
        Assert.Contains("| qwen2 | cpu | float32 |", stdout);
    }
}
