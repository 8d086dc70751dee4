using System.Text.Json;

namespace ModelGate.Cli.Tests;

public sealed class LineageCommandTests : IDisposable
{
    private readonly TwoReleaseLineage _lineage = new();
    private readonly string _base;
    private readonly IReadOnlyList<string> _releases;

    public LineageCommandTests()
    {
        _base = _lineage.Base;
        _releases = _lineage.Releases;
    }

    public void Dispose() => _lineage.Dispose();

    [Fact]
    public async Task Lineage_JsonFormat_FollowsTheDocumentedContract()
    {
        var (code, stdout, stderr) = await CliRunner.RunAsync(["lineage", "--base", _base, .. Adapters(_releases), "--format", "json", "--device", "cpu"]);

        Assert.True(code == 0, stderr);
        using var doc = JsonDocument.Parse(stdout);
        var root = doc.RootElement;
        Assert.Equal(1, root.GetProperty("schemaVersion").GetInt32());
        Assert.Equal("lineage", root.GetProperty("kind").GetString());
        Assert.Equal(_releases, root.GetProperty("adapters").EnumerateArray().Select(a => a.GetString()));
        Assert.Equal(5, root.GetProperty("totalCumulative").GetInt32());
        var steps = root.GetProperty("steps").EnumerateArray().ToArray();
        Assert.Equal([1, 2], steps.Select(s => s.GetProperty("step").GetInt32()));
        Assert.Equal(_releases, steps.Select(s => s.GetProperty("adapter").GetString()));
        Assert.Equal([2, 5], steps.Select(s => s.GetProperty("totalCumulative").GetInt32()));
        Assert.Equal([2, 3], steps.Select(s => s.GetProperty("totalNew").GetInt32()));
        Assert.Equal([2, 3], steps.Select(s => s.GetProperty("growth").GetInt32()));
        Assert.Equal([true, true], steps.Select(s => s.GetProperty("grew").GetBoolean()));
        var layers = steps[1].GetProperty("layers").EnumerateArray().ToArray();
        Assert.Equal([(0, 2, 0), (1, 3, 3)], layers.Select(l => (l.GetProperty("layer").GetInt32(), l.GetProperty("cumulative").GetInt32(), l.GetProperty("new").GetInt32())));
        var modules = steps[1].GetProperty("modules").EnumerateArray().ToArray();
        Assert.Equal(
            [("model.layers.0.self_attn.q_proj.weight", 2, 0), ("model.layers.1.self_attn.v_proj.weight", 3, 3)],
            modules.Select(m => (m.GetProperty("name").GetString(), m.GetProperty("cumulative").GetInt32(), m.GetProperty("new").GetInt32())));
        Assert.All(modules, m => Assert.True(m.GetProperty("changedByStep").GetBoolean()));
    }

    [Fact]
    public async Task Lineage_Table_NamesEveryReleaseWithItsCounts()
    {
        var (code, stdout, stderr) = await CliRunner.RunAsync(["lineage", "--base", _base, .. Adapters(_releases)]);

        Assert.True(code == 0, stderr);
        Assert.All(_releases, r => Assert.Contains(r, stdout));
        Assert.Contains("model.layers.1.self_attn.v_proj.weight", stdout);
        Assert.Contains("█████", stdout);
        Assert.Contains("5 intruder dimensions against the base after 2 releases, 3 new in the last", stdout);
        Assert.DoesNotContain("\u001b[", stdout);
    }

    [Fact]
    public async Task Lineage_MarkdownToFile_HasTheReleaseTableAndABarChart()
    {
        var report = _lineage.File("lineage.md");

        var (code, stdout, stderr) = await CliRunner.RunAsync(["lineage", "--base", _base, .. Adapters(_releases), "--format", "markdown", "--output", report]);

        Assert.True(code == 0, stderr);
        Assert.Equal("", stdout);
        var text = File.ReadAllText(report);
        Assert.Contains($"| 1 | `{_releases[0]}` | 2 | 2 | +2 |", text);
        Assert.Contains($"| 2 | `{_releases[1]}` | 5 | 3 | +3 |", text);
        Assert.Contains("1 release-1  ██     2 (2 new)", text);
        Assert.Contains("2 release-2  █████  5 (3 new)", text);
        Assert.Contains("xychart-beta", text);
        Assert.Contains("bar [2, 5]", text);
        Assert.Contains("line [2, 3]", text);
        Assert.Contains("| `model.layers.1.self_attn.v_proj.weight` | — | 3 (+3) |", text);
    }

    [Fact]
    public async Task Lineage_OneAdapter_EqualsAnalyze()
    {
        var (code, stdout, stderr) = await CliRunner.RunAsync("lineage", "--base", _base, "--adapter", _releases[0], "--format", "json");
        var (_, analyze, _) = await CliRunner.RunAsync("analyze", "--base", _base, "--adapter", _releases[0], "--format", "json");

        Assert.True(code == 0, stderr);
        using var lineage = JsonDocument.Parse(stdout);
        using var reference = JsonDocument.Parse(analyze);
        var step = Assert.Single(lineage.RootElement.GetProperty("steps").EnumerateArray().ToArray());
        var total = reference.RootElement.GetProperty("totalIntruders").GetInt32();
        Assert.Equal(2, total);
        Assert.Equal(total, step.GetProperty("totalCumulative").GetInt32());
        Assert.Equal(total, step.GetProperty("totalNew").GetInt32());
    }

    [Theory]
    [InlineData(new string[0], "--adapter missing: a lineage needs the releases")]
    [InlineData(new[] { "--k=0" }, "--k (MODELGATE_K) must be a positive integer")]
    [InlineData(new[] { "--modules=lm_head" }, "--modules 'lm_head' matches none of the")]
    public async Task Lineage_BadInput_ExitsTwoWithOneLine(string[] extra, string expected)
    {
        var args = new List<string> { "lineage", "--base", _base };
        if (extra.Length > 0)
        {
            args.AddRange(Adapters(_releases));
            args.AddRange(extra);
        }

        var (code, stdout, stderr) = await CliRunner.RunAsync(args.ToArray());

        Assert.Equal(2, code);
        Assert.Equal("", stdout);
        var line = Assert.Single(stderr.Split('\n', StringSplitOptions.RemoveEmptyEntries));
        Assert.StartsWith("error: ", line);
        Assert.Contains(expected, line);
    }

    private static IEnumerable<string> Adapters(IEnumerable<string> folders) => folders.SelectMany(f => new[] { "--adapter", f });
}
