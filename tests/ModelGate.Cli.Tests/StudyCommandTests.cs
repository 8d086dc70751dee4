using System.Text.Json;
using System.Xml.Linq;
using ModelGate.Testing;

namespace ModelGate.Cli.Tests;

[Collection(TrainedModelsCollection.Name)]
public sealed class StudyCommandTests
{
    [Fact]
    public async Task Study_Quick_WritesThePageResultsAndPlotsThatParse_AndKeepsTheAdapters()
    {
        using var dir = new TempDirectory();
        var output = dir.File("study");

        var (code, _, stderr) = await CliRunner.RunAsync("study", "--output", output, "--quick", "--keep-adapters");

        Assert.True(code == 0, stderr);
        var page = File.ReadAllText(Path.Combine(output, "study.md"));
        Assert.Contains("## Findings", page);
        Assert.Contains("## Default policy", page);
        Assert.Equal(5, page.Split('\n').Count(l => l.StartsWith("- ", StringComparison.Ordinal) && (l.Contains("reproduced**", StringComparison.Ordinal) || l.Contains("**not measured**", StringComparison.Ordinal))));
        using var results = JsonDocument.Parse(File.ReadAllText(Path.Combine(output, "results.json")));
        var runs = results.RootElement.GetProperty("runs").EnumerateArray().ToArray();
        Assert.Equal(["demo", "lora", "fullFineTune", "chain", "repair"], runs.Select(r => r.GetProperty("kind").GetString()).Distinct());
        foreach (var svg in new[] { "intruders-vs-rank.svg", "lora-vs-full.svg", "chain.svg", "repair-forgetting.svg", "repair-task-loss.svg" })
        {
            Assert.Equal("svg", XDocument.Load(Path.Combine(output, svg)).Root!.Name.LocalName);
            Assert.Contains($"]({svg})", page);
        }

        Assert.All(runs, r => Assert.True(Directory.Exists(Path.Combine(output, "adapters", r.GetProperty("folder").GetString()!)), r.ToString()));
        Assert.Empty(Directory.GetDirectories(dir.Path, ".study-*"));
    }

    [Fact]
    public async Task Study_WithoutOutput_ExitsTwoNamingTheOption()
    {
        var (code, _, stderr) = await CliRunner.RunAsync("study", "--quick");

        Assert.Equal(2, code);
        Assert.Contains("--output", stderr);
    }
}
