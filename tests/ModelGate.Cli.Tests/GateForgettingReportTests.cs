using System.Text.Json.Nodes;
using ModelGate.Testing;

namespace ModelGate.Cli.Tests;

/// <summary>
/// <c>gate --forgetting FILE</c>: the forgetting report of another job (<c>forgetting --format json</c>) taken instead of
/// measuring, and refused when it is not of these models, this tool or the policy's datasets.
/// </summary>
public sealed class GateForgettingReportTests(GateForgettingReportTests.MeasuredReport measured) : IClassFixture<GateForgettingReportTests.MeasuredReport>
{
    private static string Peer(params string[] parts) => Path.Combine([RepositoryPaths.PeerVectors(), .. parts]);

    private static string BaseModel => Peer("models", "llama3_gqa_tied");

    private static string Adapter => Peer("adapters", "llama3_lora_all");

    [Fact]
    public async Task Gate_ForgettingReportOfTheseModels_GivesTheVerdictReportsAndExitCodeOfAGateThatMeasured()
    {
        using var dir = new TempDirectory();
        var policy = Policy(dir, "eval.txt");
        File.Copy(Peer("eval.txt"), dir.File("eval.txt"));

        // Both gates read warm spectra: a cold build's residuals differ from a cached one's in the last digits.
        var warming = await CliRunner.RunAsync("analyze", "--base", BaseModel, "--adapter", Adapter, "--cache", dir.File("cache"), "--device", "cpu");
        var measuring = await CliRunner.RunAsync("gate", "--base", BaseModel, "--adapter", Adapter, "--policy", policy, "--device", "cpu", "--cache", dir.File("cache"),
            "--json", dir.File("measured.json"), "--report", dir.File("measured.md"));
        var taking = await CliRunner.RunAsync("gate", "--base", BaseModel, "--adapter", Adapter, "--policy", policy, "--device", "cpu", "--cache", dir.File("cache"),
            "--forgetting", measured.File, "--json", dir.File("taken.json"), "--report", dir.File("taken.md"));

        Assert.True(warming.ExitCode == 0, warming.Error);
        Assert.True(measuring.ExitCode == 0, measuring.Error);
        Assert.True(taking.ExitCode == 0, taking.Error);
        var verdict = JsonNode.Parse(File.ReadAllText(dir.File("taken.json")))!;
        Assert.Equal("perplexityIncreasePct", verdict["forgetting"]![0]!["metric"]!.GetValue<string>());
        Assert.Equal(Timeless(File.ReadAllText(dir.File("measured.json"))), Timeless(File.ReadAllText(dir.File("taken.json"))));
        Assert.Equal(TimelessMarkdown(File.ReadAllText(dir.File("measured.md"))), TimelessMarkdown(File.ReadAllText(dir.File("taken.md"))));
    }

    [Fact]
    public async Task Gate_ForgettingReportOfAnotherAdapter_IsBadInputNamingTheFile()
    {
        using var dir = new TempDirectory();
        var adapter = CopyWithOneWeightChanged(Adapter, "adapter_model.safetensors", dir.File("adapter"));

        var (code, _, stderr) = await CliRunner.RunAsync("gate", "--base", BaseModel, "--adapter", adapter, "--policy", Policy(dir, "eval.txt"),
            "--device", "cpu", "--forgetting", measured.File);

        Assert.Equal(2, code);
        Assert.Contains($"{measured.File}: was measured with other adapter weights", stderr);
    }

    [Fact]
    public async Task Gate_ForgettingReportOfAnotherBase_IsBadInputNamingTheFile()
    {
        using var dir = new TempDirectory();
        var baseModel = CopyWithOneWeightChanged(BaseModel, "model.safetensors", dir.File("base"));

        var (code, _, stderr) = await CliRunner.RunAsync("gate", "--base", baseModel, "--adapter", Adapter, "--policy", Policy(dir, "eval.txt"),
            "--device", "cpu", "--forgetting", measured.File);

        Assert.Equal(2, code);
        Assert.Contains($"{measured.File}: was measured on another base", stderr);
    }

    [Theory]
    [InlineData("unreadable", "forgetting report is not valid JSON")]
    [InlineData("verdict", "$.kind is not \"modelgate.forgetting\": not a forgetting report")]
    [InlineData("old-tool", "was written by ModelGate 999.0.0")]
    [InlineData("no-identity", "records no base and adapter identity")]
    [InlineData("no-metric", "has no gated metric (perplexityIncreasePct, pseudoLossIncrease, accuracyDropPts) on \"eval.txt\"")]
    public async Task Gate_ForgettingReportNotUsable_IsBadInputNamingTheFile(string defect, string expected)
    {
        using var dir = new TempDirectory();
        var report = JsonNode.Parse(File.ReadAllText(measured.File))!.AsObject();
        switch (defect)
        {
            case "verdict": report["kind"] = "modelgate.verdict"; break;
            case "old-tool": report["toolVersion"] = "999.0.0"; break;
            case "no-identity": report.Remove("toolVersion"); report.Remove("base"); report.Remove("adapters"); break;
            case "no-metric":
                var metrics = report["metrics"]!.AsArray();
                foreach (var gated in metrics.Where(m => m!["metric"]!.GetValue<string>() == "perplexityIncreasePct").ToList())
                {
                    metrics.Remove(gated);
                }

                break;
        }

        File.WriteAllText(dir.File("forgetting.json"), defect == "unreadable" ? "{ not json" : report.ToJsonString());

        var (code, _, stderr) = await CliRunner.RunAsync("gate", "--base", BaseModel, "--adapter", Adapter, "--policy", Policy(dir, "eval.txt"),
            "--device", "cpu", "--forgetting", dir.File("forgetting.json"));

        Assert.Equal(2, code);
        var line = Assert.Single(stderr.Split('\n', StringSplitOptions.RemoveEmptyEntries), l => l.StartsWith("error:", StringComparison.Ordinal));
        Assert.True(line.Contains(dir.File("forgetting.json") + ": ", StringComparison.Ordinal) && line.Contains(expected, StringComparison.Ordinal), line);
    }

    [Fact]
    public async Task Gate_PolicyNamesADatasetTheForgettingReportLacks_IsBadInputNamingTheFile()
    {
        using var dir = new TempDirectory();

        var (code, _, stderr) = await CliRunner.RunAsync("gate", "--base", BaseModel, "--adapter", Adapter, "--policy", Policy(dir, "held-out.txt"),
            "--device", "cpu", "--forgetting", measured.File);

        Assert.Equal(2, code);
        Assert.True(stderr.Contains($"{measured.File}: has no dataset \"held-out.txt\", which the policy's forgetting section names (it has \"eval.txt\")", StringComparison.Ordinal), stderr);
    }

    /// <summary>Intruder rules off, so only the forgetting rule decides (as in <see cref="GateForgettingTests"/>).</summary>
    private static string Policy(TempDirectory dir, string corpus)
    {
        File.WriteAllText(dir.File("policy.json"), $$"""
            { "intruders": { "total": null, "perModule": [], "perLayer": null, "growth": null }, "forgetting": { "corpus": "{{corpus}}", "perplexityIncreasePct": { "fail": 5 } } }
            """);
        return dir.File("policy.json");
    }

    /// <summary>A copy of <paramref name="folder"/> whose first weight differs in its lowest bit: the same model to every check but its hash.</summary>
    private static string CopyWithOneWeightChanged(string folder, string weights, string copy)
    {
        Directory.CreateDirectory(copy);
        foreach (var file in Directory.EnumerateFiles(folder))
        {
            File.Copy(file, Path.Combine(copy, Path.GetFileName(file)));
        }

        var bytes = File.ReadAllBytes(Path.Combine(copy, weights));
        var header = BitConverter.ToInt64(bytes, 0);
        bytes[8 + header] ^= 1;
        File.WriteAllBytes(Path.Combine(copy, weights), bytes);
        return copy;
    }

    /// <summary>
    /// The verdict without when and how long, and without the Krylov residuals, which differ between two runs in the
    /// last digits (about 1e-13 of 3e-12 here) with the order libtorch's threads add in: everything a reader decides on.
    /// </summary>
    private static string Timeless(string verdict)
    {
        var node = JsonNode.Parse(verdict)!;
        Strip(node);
        return node.ToJsonString();
    }

    private static void Strip(JsonNode? node)
    {
        if (node is JsonObject o)
        {
            foreach (var name in new[] { "startedAt", "elapsedSeconds", "seconds", "timings", "relativeResidual" })
            {
                o.Remove(name);
            }

            foreach (var (_, child) in o)
            {
                Strip(child);
            }
        }
        else if (node is JsonArray a)
        {
            foreach (var child in a)
            {
                Strip(child);
            }
        }
    }

    private static string TimelessMarkdown(string report) =>
        string.Join('\n', report.Split('\n').Where(l => !l.StartsWith("| Started", StringComparison.Ordinal) && !l.StartsWith("| Time", StringComparison.Ordinal)));

    /// <summary>One <c>forgetting --format json</c> of the peer base and adapter on eval.txt, shared by the tests: measuring takes seconds.</summary>
    public sealed class MeasuredReport : IAsyncLifetime, IDisposable
    {
        private readonly TempDirectory _folder = new();

        public string File => _folder.File("forgetting.json");

        public async Task InitializeAsync()
        {
            var (code, _, stderr) = await CliRunner.RunAsync("forgetting", "--base", BaseModel, "--adapter", Adapter, "--corpus", Peer("eval.txt"),
                "--device", "cpu", "--format", "json", "-o", File);
            Assert.True(code == 0, stderr);
        }

        public Task DisposeAsync() => Task.CompletedTask;

        public void Dispose() => _folder.Dispose();
    }
}
