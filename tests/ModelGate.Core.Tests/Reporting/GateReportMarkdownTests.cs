using Markdig;
using Markdig.Extensions.Tables;
using Markdig.Syntax;
using Markdig.Syntax.Inlines;
using ModelGate.Core.Errors;
using ModelGate.Core.Gating;
using ModelGate.Core.Reporting;
using ModelGate.Testing;
using static ModelGate.Core.Tests.Gating.SampleResults;

namespace ModelGate.Core.Tests.Reporting;

public sealed class GateReportMarkdownTests
{
    private static readonly MarkdownPipeline Pipeline = new MarkdownPipelineBuilder().UseAdvancedExtensions().Build();

    private static GateResult Failing() => Result(Analysis((Q0, 3), (V0, 0), (Down0, 1), (Q1, 0), (V1, 2)),
        baseline: new GateBaseline { Path = "releases/v1.verdict.json", Kind = "verdict", TotalIntruders = 4, Modules = new Dictionary<string, int> { [Q0] = 1, [V1] = 2, ["model.layers.1.mlp.up_proj.weight"] = 1 }, Verdict = RuleStatus.Warn },
        warnings: ["the baseline was counted with k = 8"]);

    [Fact]
    public void Report_DefaultTemplate_EveryTableHasAsManyCellsAsItsHeader()
    {
        var markdown = GateReportTemplate.Default.Render(Failing());
        var doc = Markdown.Parse(markdown, Pipeline);

        var tables = doc.Descendants<Table>().ToArray();
        Assert.True(tables.Length >= 8, $"only {tables.Length} tables parsed");
        foreach (var table in tables)
        {
            var rows = table.OfType<TableRow>().ToArray();
            Assert.True(rows[0].IsHeader);
            Assert.True(rows.Length >= 2, "a table without rows");
            Assert.All(rows, r => Assert.Equal(rows[0].Count, r.Count));
        }

        // Every table line in the source has the same number of unescaped pipes as the table's header line.
        foreach (var block in SourceTables(markdown))
        {
            Assert.All(block, line => Assert.Equal(Pipes(block[0]), Pipes(line)));
        }
    }

    [Fact]
    public void Report_DefaultTemplate_HasTheBannerRulesAndSections()
    {
        var markdown = GateReportTemplate.Default.Render(Failing());
        var doc = Markdown.Parse(markdown, Pipeline);

        var headings = doc.Descendants<HeadingBlock>().Select(h => Text(h)).ToArray();
        Assert.StartsWith("❌ Intruder gate: FAIL — Release blocked", headings[0]);
        Assert.Contains("Rules", headings);
        Assert.Contains("Modules over the per-module limits", headings);
        Assert.Contains("Intruders per layer", headings);
        Assert.Contains("ε-sweep", headings);
        Assert.Contains("Top-10 max-cosines of the worst modules", headings);
        Assert.Contains("Max-cosine distribution", headings);
        Assert.Contains("Changes against the baseline", headings);
        Assert.DoesNotContain("Forgetting", headings);

        var rules = doc.Descendants<Table>().Single(t => HeaderCells(t).SequenceEqual(["Status", "Rule", "Code", "Target", "Observed", "Warn above", "Fail above"]));
        Assert.Contains(Rows(rules), r => r.SequenceEqual(["❌ fail", "intruders.perModule", "MG0002", Q0, "3", "0", "2"]));
        Assert.Contains(Rows(rules), r => r.SequenceEqual(["⚠️ warn", "intruders.growth", "MG0004", "—", "2", "0", "2"]));

        var heat = doc.Descendants<Table>().Single(t => HeaderCells(t)[0] == "Layer" && HeaderCells(t)[^1] == "Σ");
        Assert.Equal(["Layer", "down_proj", "q_proj", "v_proj", "Σ"], HeaderCells(heat));
        Assert.Equal([["0", "🟨 1", "🟧 3", "🟩 0", "4"], ["1", "·", "🟩 0", "🟨 2", "2"]], Rows(heat));

        var changes = doc.Descendants<Table>().Single(t => HeaderCells(t).SequenceEqual(["Module", "Baseline", "Now", "Change"]));
        Assert.Equal([
            [Down0, "—", "1", "new"],
            [Q0, "1", "3", "+2"],
            ["model.layers.1.mlp.up_proj.weight", "1", "—", "not analysed now"],
        ], Rows(changes));

        Assert.Contains("- ⚠️ the baseline was counted with k = 8", markdown);
        Assert.DoesNotContain("{{", markdown);
    }

    [Fact]
    public void Report_DefaultTemplate_ChartsAreMermaidXyChartsAndUnicodeBars()
    {
        var markdown = GateReportTemplate.Default.Render(Failing());
        var doc = Markdown.Parse(markdown, Pipeline);

        var mermaid = doc.Descendants<FencedCodeBlock>().Where(b => b.Info == "mermaid").Select(b => b.Lines.ToString()).ToArray();
        Assert.Equal(3, mermaid.Length);
        var charts = mermaid.Select(m => XyChart.TryParse(m)).ToArray();
        Assert.All(charts, Assert.NotNull);
        Assert.Equal(["L0", "L1"], charts[0]!.Categories);
        Assert.Equal([4.0, 2.0], charts[0]!.Bars);
        Assert.Equal(9, charts[1]!.Line.Count);
        Assert.Equal(50, charts[2]!.Bars.Sum());

        var text = doc.Descendants<FencedCodeBlock>().Where(b => b.Info == "text").Select(b => b.Lines.ToString()).ToArray();
        Assert.Contains("layer 0  ████  4", text[0]);
        Assert.Contains("layer 1  ██    2", text[0]);
    }

    [Fact]
    public void Report_DetailsBlocksAreBalanced_AndLongTablesAreCollapsed()
    {
        var markdown = GateReportTemplate.Default.Render(Failing());

        Assert.Equal(Count(markdown, "<details>"), Count(markdown, "</details>"));
        Assert.Equal(Count(markdown, "<summary>"), Count(markdown, "</summary>"));
        Assert.Contains("<details><summary>All 5 modules</summary>", markdown);
        Assert.Contains("<details><summary>Run</summary>", markdown);
        Assert.Contains(new string('a', 64), markdown);
    }

    [Fact]
    public void Report_WithForgettingObservations_ShowsTheForgettingTable()
    {
        var policy = GatePolicyLoader.Default with { Forgetting = GatePolicyLoader.Default.Forgetting with { Corpus = "held-out.txt" } };
        var result = Result(Analysis((Q0, 0)), policy, forgetting: [
            new ForgettingObservation(ForgettingMetric.PerplexityIncreasePct, "held-out.txt", 20, 21.5, 7.5, 6.1, 8.9),
            new ForgettingObservation(ForgettingMetric.AccuracyDropPts, "arc-easy", 61, 60.5, 0.5, -0.8, 1.8),
        ]);

        var doc = Markdown.Parse(GateReportTemplate.Default.Render(result), Pipeline);

        var table = doc.Descendants<Table>().Single(t => HeaderCells(t).SequenceEqual(["Status", "Metric", "Dataset", "Base", "Merged", "Δ", "Interval", "Fail above"]));
        Assert.Equal([
            ["❌ fail", "perplexityIncreasePct", "held-out.txt", "20", "21.5", "+7.5", "[6.1, 8.9]", "5"],
            ["✅ pass", "accuracyDropPts", "arc-easy", "61", "60.5", "+0.5", "[-0.8, 1.8]", "1"],
        ], Rows(table));
    }

    [Fact]
    public void Report_CleanResult_SaysAllRulesPass_WithoutFailingSections()
    {
        var markdown = GateReportTemplate.Default.Render(Result(Analysis((Q0, 0), (V0, 0))));

        Assert.StartsWith("## ✅ Intruder gate: PASS — Release allowed", markdown);
        Assert.Contains("all 3 rules pass; 0 intruder dimensions in 0 of 2 modules (k = 10, ε = 0.5)", markdown);
        Assert.DoesNotContain("Modules over the per-module limits", markdown);
        Assert.DoesNotContain("worst modules", markdown);
    }

    [Fact]
    public void Report_UserTemplate_IsRendered()
    {
        using var dir = new TempDirectory();
        var path = dir.File("mine.md");
        File.WriteAllText(path, "# {{ verdict.status_upper }}: {{ summary.total_intruders }} intruders\n{{ for r in failing_rules }}- {{ r.code }} {{ r.target }}\n{{ end }}");

        var markdown = GateReportTemplate.Load(path).Render(Failing());

        Assert.Equal($"# FAIL: 6 intruders\n- MG0001 —\n- MG0002 {Q0}\n- MG0002 {V1}\n- MG0002 {Down0}\n- MG0004 —\n", markdown);
    }

    [Theory]
    [InlineData("# {{ for r in }}", "template error at line 1")]
    [InlineData("ok\n{{ for r in rules }}{{ r.code }}", "template error at line 2")]
    [InlineData("{{ verdict.no_such_field }}", "template error at line 1, column 12: the report model has no 'no_such_field' here")]
    [InlineData("{{ nothing_here }}", "template error at line 1, column 4")]
    public void Report_BrokenUserTemplate_IsAOneLineUserErrorWithLine(string text, string expected)
    {
        using var dir = new TempDirectory();
        var path = dir.File("broken.md");
        File.WriteAllText(path, text);

        var e = Assert.ThrowsAny<UserInputException>(() => GateReportTemplate.Load(path).Render(Failing()));

        Assert.True(e.Message.StartsWith($"{path}: {expected}", StringComparison.Ordinal), e.Message);
        Assert.DoesNotContain('\n', e.Message);
    }

    /// <summary>
    /// The whole report against a checked-in snapshot, so any change to the template or the model shows as a readable
    /// diff. On a mismatch the new output is written beside it as <c>.received.md</c>; copy it over when intended.
    /// </summary>
    [Fact]
    public void Report_DefaultTemplate_MatchesTheVerifiedSnapshot()
    {
        var verified = Path.Combine(RepositoryPaths.Root(), "tests", "ModelGate.Core.Tests", "Reporting", "Snapshots", "gate-report.verified.md");
        var received = Path.ChangeExtension(verified, null).Replace(".verified", ".received", StringComparison.Ordinal) + ".md";
        var markdown = GateReportTemplate.Default.Render(Failing());

        if (!File.Exists(verified) || File.ReadAllText(verified) != markdown)
        {
            File.WriteAllText(received, markdown);
            Assert.Fail($"the report differs from {verified}; see {received} (copy it over the verified file if the change is intended)");
        }

        File.Delete(received);
    }

    [Fact]
    public void Template_InTheRepository_IsTheEmbeddedDefault()
    {
        var file = File.ReadAllText(Path.Combine(RepositoryPaths.Root(), "templates", "gate-report.md.scriban"));

        Assert.Equal(file, GateReportTemplate.DefaultText());
    }

    internal static IReadOnlyList<string> HeaderCells(Table table) => Cells(table.OfType<TableRow>().First());

    internal static IReadOnlyList<IReadOnlyList<string>> Rows(Table table) => table.OfType<TableRow>().Skip(1).Select(Cells).ToArray();

    private static IReadOnlyList<string> Cells(TableRow row) => row.OfType<TableCell>().Select(c => string.Concat(c.Descendants<ParagraphBlock>().Select(Text))).ToArray();

    private static string Text(LeafBlock block) => block.Inline is null ? "" : Text(block.Inline);

    private static string Text(ContainerInline inline) => string.Concat(inline.Select(i => i switch
    {
        LiteralInline l => l.Content.ToString(),
        CodeInline c => c.Content,
        ContainerInline c => Text(c),
        _ => "",
    })).Trim();

    private static IEnumerable<string[]> SourceTables(string markdown)
    {
        var block = new List<string>();
        foreach (var line in markdown.Split('\n').Append(""))
        {
            if (line.StartsWith('|'))
            {
                block.Add(line);
            }
            else if (block.Count > 0)
            {
                yield return block.ToArray();
                block.Clear();
            }
        }
    }

    private static int Pipes(string line) => line.Replace("\\|", "", StringComparison.Ordinal).Count(c => c == '|');

    private static int Count(string text, string what) => (text.Length - text.Replace(what, "", StringComparison.Ordinal).Length) / what.Length;
}
