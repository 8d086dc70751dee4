using System.Text.Json;
using ModelGate.Demo;
using ModelGate.Testing;

namespace ModelGate.Cli.Tests;

public sealed class AnalyzeCommandTests : IDisposable
{
    private readonly TempDirectory _dir = new();
    private readonly string _base;
    private readonly string _adapter;

    public AnalyzeCommandTests()
    {
        _base = new TinyModelBuilder().Build(_dir.File("base")).Folder;
        _adapter = new LoraAdapterBuilder()
            .WithIntruders("model.layers.0.self_attn.q_proj", 2)
            .WithAlignedUpdate("model.layers.1.self_attn.v_proj")
            .Build(_base, _dir.File("adapter"));
    }

    public void Dispose() => _dir.Dispose();

    [Fact]
    public async Task Analyze_JsonFormat_FollowsTheDocumentedContract()
    {
        var (code, stdout, stderr) = await CliRunner.RunAsync("analyze", "--base", _base, "--adapter", _adapter, "--format", "json", "--device", "cpu");

        Assert.True(code == 0, stderr);
        using var doc = JsonDocument.Parse(stdout);
        var root = doc.RootElement;
        Assert.Equal(1, root.GetProperty("schemaVersion").GetInt32());
        Assert.Equal(2, root.GetProperty("totalIntruders").GetInt32());
        Assert.Equal("adapter", root.GetProperty("kind").GetString());
        Assert.Equal(10, root.GetProperty("k").GetInt32());
        Assert.Equal(0.5, root.GetProperty("epsilon").GetDouble());
        Assert.Equal(9, root.GetProperty("sweep").GetArrayLength());
        var modules = root.GetProperty("modules").EnumerateArray().ToArray();
        Assert.Equal(["model.layers.0.self_attn.q_proj.weight", "model.layers.1.self_attn.v_proj.weight"], modules.Select(m => m.GetProperty("name").GetString()));
        Assert.Equal([2, 0], modules.Select(m => m.GetProperty("intruders").GetInt32()));
        Assert.All(modules, m => Assert.Equal(10, m.GetProperty("maxCosines").GetArrayLength()));
        Assert.All(modules, m => Assert.Equal(10, m.GetProperty("singularValues").GetArrayLength()));
        Assert.All(modules, m => Assert.Equal("low-rank", m.GetProperty("method").GetString()));
        Assert.All(modules, m => Assert.InRange(m.GetProperty("relativeResidual").GetDouble(), 0, 1e-6));
        Assert.Equal("auto", root.GetProperty("method").GetString());
        Assert.Equal("low-rank ×2", root.GetProperty("paths").GetString());
        Assert.Equal([0, 1], root.GetProperty("layers").EnumerateArray().Select(l => l.GetProperty("layer").GetInt32()));
    }

    [Fact]
    public async Task Analyze_SecondRunWithTheSameCache_ComputesNoBaseSpectrum()
    {
        var cache = _dir.File("cache");

        var (_, first, _) = await CliRunner.RunAsync("analyze", "--base", _base, "--adapter", _adapter, "--format", "json", "--cache", cache);
        var (_, second, _) = await CliRunner.RunAsync("analyze", "--base", _base, "--adapter", _adapter, "--format", "json", "--cache", cache);
        var (_, reference, _) = await CliRunner.RunAsync("analyze", "--base", _base, "--adapter", _adapter, "--format", "json", "--method", "full-svd");

        using var cold = JsonDocument.Parse(first);
        using var warm = JsonDocument.Parse(second);
        using var full = JsonDocument.Parse(reference);
        Assert.Equal(2, cold.RootElement.GetProperty("cacheMisses").GetInt32());
        Assert.Equal(0, warm.RootElement.GetProperty("cacheMisses").GetInt32());
        Assert.Equal(2, Directory.GetFiles(Path.Combine(cache, "spectra", "v1"), "*.safetensors").Length);
        Assert.Equal("full-svd ×2", full.RootElement.GetProperty("paths").GetString());
        Assert.Equal(full.RootElement.GetProperty("totalIntruders").GetInt32(), warm.RootElement.GetProperty("totalIntruders").GetInt32());
    }

    [Fact]
    public async Task Analyze_MarkdownToFile_WritesTheReportAndNothingToStdout()
    {
        var report = _dir.File("report.md");

        var (code, stdout, stderr) = await CliRunner.RunAsync("analyze", "--base", _base, "--adapter", _adapter, "--format", "markdown", "--output", report);

        Assert.True(code == 0, stderr);
        Assert.Equal("", stdout);
        var text = File.ReadAllText(report);
        Assert.Contains("**2** intruder dimensions in 1 of 2 modules", text);
        Assert.Contains("| `model.layers.0.self_attn.q_proj.weight` | 64×64 | 2 |", text);
        Assert.Empty(Directory.EnumerateFiles(_dir.Path, ".report.md*"));
    }

    [Fact]
    public async Task Analyze_Table_ShowsEveryModuleAndTheTotal()
    {
        var (code, stdout, _) = await CliRunner.RunAsync("analyze", "--base", _base, "--adapter", _adapter);

        Assert.Equal(0, code);
        Assert.Contains("model.layers.0.self_attn.q_proj.weight", stdout);
        Assert.Contains("model.layers.1.self_attn.v_proj.weight", stdout);
        Assert.Contains("2 intruder dimensions in 1 of 2 modules", stdout);
        Assert.DoesNotContain("\u001b[", stdout);
    }

    [Fact]
    public async Task Analyze_SettingsFile_SetsKUnlessTheCommandLineDoes()
    {
        var settings = _dir.File("settings.json");
        File.WriteAllText(settings, """{"K": 3, "Epsilon": 0.2}""");

        var (_, fromFile, _) = await CliRunner.RunAsync("analyze", "--base", _base, "--adapter", _adapter, "--format", "json", "--config", settings);
        var (_, fromArgs, _) = await CliRunner.RunAsync("analyze", "--base", _base, "--adapter", _adapter, "--format", "json", "--config", settings, "--k", "5");

        using var file = JsonDocument.Parse(fromFile);
        using var args = JsonDocument.Parse(fromArgs);
        Assert.Equal(3, file.RootElement.GetProperty("k").GetInt32());
        Assert.Equal(0.2, file.RootElement.GetProperty("epsilon").GetDouble());
        Assert.Equal(5, args.RootElement.GetProperty("k").GetInt32());
        Assert.Equal(3, file.RootElement.GetProperty("modules")[0].GetProperty("maxCosines").GetArrayLength());
    }

    [Fact]
    public async Task Analyze_FullFineTune_ReportsNoIntruders()
    {
        var tuned = new FineTunedModelBuilder().Build(_base, _dir.File("tuned"));

        var (code, stdout, stderr) = await CliRunner.RunAsync("analyze", "--base", _base, "--tuned", tuned, "--format", "json");

        Assert.True(code == 0, stderr);
        using var doc = JsonDocument.Parse(stdout);
        Assert.Equal(0, doc.RootElement.GetProperty("totalIntruders").GetInt32());
        Assert.Equal("full-fine-tune", doc.RootElement.GetProperty("kind").GetString());
        Assert.Equal(14, doc.RootElement.GetProperty("modulesAnalyzed").GetInt32());
    }

    [Theory]
    [InlineData("no-such-folder", null, "no-such-folder")]
    [InlineData(null, "--k=0", "--k (MODELGATE_K) must be a positive integer")]
    [InlineData(null, "--epsilon=1.5", "--epsilon (MODELGATE_EPSILON) must be between 0 and 1")]
    [InlineData(null, "--modules=(", "--modules is not a valid regular expression")]
    [InlineData(null, "--device=tpu", "--device 'tpu' is not one of")]
    [InlineData(null, "--method=fast", "--method must be one of auto, full-svd")]
    [InlineData(null, "--tolerance=0.5", "--tolerance must be above 0 and below 0.01")]
    [InlineData(null, "--bogus", "Unrecognized command or argument '--bogus'")]
    public async Task Analyze_BadInput_ExitsTwoWithOneLineAndNoTrace(string? baseOverride, string? extra, string expected)
    {
        var args = new List<string> { "analyze", "--base", baseOverride is null ? _base : _dir.File(baseOverride), "--adapter", _adapter };
        if (extra is not null)
        {
            args.Add(extra);
        }

        var (code, stdout, stderr) = await CliRunner.RunAsync(args.ToArray());

        Assert.Equal(2, code);
        Assert.Equal("", stdout);
        var line = Assert.Single(stderr.Split('\n', StringSplitOptions.RemoveEmptyEntries));
        Assert.StartsWith("error: ", line);
        Assert.Contains(expected, line);
    }

    [Theory]
    [InlineData("{ bad", "not a valid settings file")]
    [InlineData("""{"K": "ten"}""", "setting 'K' (MODELGATE_K or the settings file) must be a whole number, got 'ten'")]
    public async Task Analyze_BadSettingsFile_IsBadInputNamingTheFile(string contents, string expected)
    {
        var settings = _dir.File("bad-settings.json");
        File.WriteAllText(settings, contents);

        var (code, _, stderr) = await CliRunner.RunAsync("analyze", "--base", _base, "--adapter", _adapter, "--config", settings);

        Assert.Equal(2, code);
        Assert.Contains(expected, stderr);
    }

    [Fact]
    public async Task Analyze_AdapterAndTunedTogether_IsBadUsage()
    {
        var (code, _, stderr) = await CliRunner.RunAsync("analyze", "--base", _base, "--adapter", _adapter, "--tuned", _base);

        Assert.Equal(2, code);
        Assert.Contains("either --adapter", stderr);
    }

    [Fact]
    public async Task Analyze_PickleAdapter_IsRefusedWithHowToConvert()
    {
        var pickled = Directory.CreateDirectory(_dir.File("pickled")).FullName;
        File.Copy(Path.Combine(_adapter, "adapter_config.json"), Path.Combine(pickled, "adapter_config.json"));
        File.WriteAllBytes(Path.Combine(pickled, "adapter_model.bin"), [0x80, 0x02]);

        var (code, _, stderr) = await CliRunner.RunAsync("analyze", "--base", _base, "--adapter", pickled);

        Assert.Equal(2, code);
        Assert.Contains("adapter_model.bin: pickle checkpoints are not read", stderr);
        Assert.Contains("save_file", stderr);
    }

    /// <summary>
    /// An adapter made on a four-layer model, given a two-layer base: every verb that plans it against the base refuses
    /// it before any arithmetic, in one line, rather than judging it by the modules that happen to share a name.
    /// </summary>
    [Theory]
    [InlineData("analyze")]
    [InlineData("gate")]
    [InlineData("merge", "--output", "merged")]
    [InlineData("mitigate", "--lambda", "0.5", "--output", "repaired")]
    [InlineData("lineage")]
    public async Task Verb_AdapterForAnotherModel_ExitsTwoWithOneLineCountingTheUnmatchedModules(string verb, params string[] extra)
    {
        var deeper = new TinyModelBuilder { Layers = 4 }.Build(_dir.File("deeper")).Folder;
        var adapter = new LoraAdapterBuilder()
            .WithAlignedUpdate("model.layers.0.self_attn.q_proj")
            .WithAlignedUpdate("model.layers.2.self_attn.v_proj")
            .WithIntruders("model.layers.3.self_attn.q_proj", 1)
            .Build(deeper, _dir.File("adapter-deeper"));
        string[] outputs = [.. extra.Select(e => e is "merged" or "repaired" ? _dir.File(e) : e)];

        var (code, _, stderr) = await CliRunner.RunAsync([verb, "--base", _base, "--adapter", adapter, "--device", "cpu", .. outputs]);

        Assert.True(code == 2, stderr);
        Assert.Equal(
            $"error: {Path.Combine(adapter, "adapter_model.safetensors")}: 2 of the 3 modules it changes match no tensor of base model {_base} " +
            "('model.layers.2.self_attn.v_proj', 'model.layers.3.self_attn.q_proj'); the base's nearest are " +
            "'model.layers.0.self_attn.q_proj', 'model.layers.0.self_attn.v_proj', 'model.layers.1.self_attn.q_proj': is this the adapter's base model?",
            stderr.Trim());
    }
}
