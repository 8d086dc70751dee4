using System.Text.Json;
using System.Text.Json.Nodes;
using ModelGate.Demo;
using ModelGate.Testing;
using ModelGate.Testing.Adapters;

namespace ModelGate.Cli.Tests;

public sealed class GateCommandTests : IDisposable
{
    private readonly TempDirectory _dir = new();
    private readonly string _base;

    public GateCommandTests()
    {
        _base = new TinyModelBuilder().Build(_dir.File("base")).Folder;
    }

    public void Dispose() => _dir.Dispose();

    [Fact]
    public async Task Gate_CleanAdapter_ExitsZero_WithAPassingRuleTable()
    {
        var adapter = Adapter("clean", b => b.WithAlignedUpdate("model.layers.0.self_attn.q_proj").WithAlignedUpdate("model.layers.1.mlp.down_proj"));

        var (code, stdout, stderr) = await CliRunner.RunAsync(["gate", "--base", _base, "--adapter", adapter, "--device", "cpu"]);

        Assert.True(code == 0, stderr);
        Assert.Contains("intruders.perModule", stdout);
        Assert.Contains("MG0002", stdout);
        Assert.Contains("gate PASS: release allowed (exit 0, fail on fail): 0 intruder dimensions in 0 of 2 modules", stdout);
        Assert.DoesNotContain("FAIL", stdout);
    }

    [Fact]
    public async Task Gate_IntruderAdapter_ExitsOne_AndWritesTheVerdictAndBothReports()
    {
        var adapter = Adapter("intruders", b => b.WithIntruders("model.layers.0.self_attn.q_proj", 3).WithAlignedUpdate("model.layers.1.self_attn.v_proj"));
        var json = _dir.File("verdict.json");
        var md = _dir.File("report.md");
        var html = _dir.File("report.html");

        var (code, stdout, stderr) = await CliRunner.RunAsync(["gate", "--base", _base, "--adapter", adapter, "--json", json, "--report", md, "--html", html]);

        Assert.True(code == 1, stderr);
        Assert.Contains("FAIL MG0002 3 intruder dimensions in model.layers.0.self_attn.q_proj.weight, above the fail level 2", stdout);
        Assert.Contains("gate FAIL: release blocked (exit 1, fail on fail)", stdout);
        Assert.Contains($"wrote verdict {json}", stderr);
        using var doc = JsonDocument.Parse(File.ReadAllText(json));
        Assert.Equal(("fail", 1, 3), (doc.RootElement.GetProperty("verdict").GetString(), doc.RootElement.GetProperty("exitCode").GetInt32(), doc.RootElement.GetProperty("totalIntruders").GetInt32()));
        Assert.StartsWith("## ❌ Intruder gate: FAIL — Release blocked", File.ReadAllText(md));
        Assert.Contains("data-verdict=\"fail\"", File.ReadAllText(html));
    }

    [Theory]
    [InlineData("never", 0)]
    [InlineData("fail", 1)]
    public async Task Gate_FailOn_DecidesWhetherAFailBlocks(string failOn, int expected)
    {
        var adapter = Adapter("intruders", b => b.WithIntruders("model.layers.0.self_attn.q_proj", 3));

        var (code, stdout, stderr) = await CliRunner.RunAsync(["gate", "--base", _base, "--adapter", adapter, "--fail-on", failOn]);

        Assert.True(code == expected, stderr);
        Assert.Contains("gate FAIL", stdout);
    }

    [Fact]
    public async Task Gate_AWarningOnly_ExitsZero_ButOneUnderFailOnWarnFromTheSettingsFile()
    {
        var adapter = Adapter("stray", b => b.WithIntruders("model.layers.0.self_attn.q_proj", 1));
        var settings = _dir.File("modelgate.json");
        File.WriteAllText(settings, """{ "FailOn": "warn" }""");

        var (lenient, _, e1) = await CliRunner.RunAsync(["gate", "--base", _base, "--adapter", adapter]);
        var (strict, stdout, e2) = await CliRunner.RunAsync(["gate", "--base", _base, "--adapter", adapter, "--config", settings]);

        Assert.True(lenient == 0, e1);
        Assert.True(strict == 1, e2);
        Assert.Contains("gate WARN: release blocked (exit 1, fail on warn)", stdout);
    }

    [Fact]
    public async Task Gate_SecondReleaseAgainstTheFirstsVerdict_FailsOnGrowth()
    {
        var v1 = Adapter("v1", b => b.WithIntruders("model.layers.0.self_attn.q_proj", 1));
        var v2 = Adapter("v2", b => b.WithIntruders("model.layers.0.self_attn.q_proj", 2).WithIntruders("model.layers.1.self_attn.q_proj", 2));
        var verdict = _dir.File("v1.json");
        var report = _dir.File("v2.md");

        var (first, _, e1) = await CliRunner.RunAsync(["gate", "--base", _base, "--adapter", v1, "--json", verdict]);
        var (second, stdout, e2) = await CliRunner.RunAsync(["gate", "--base", _base, "--adapter", v2, "--baseline", verdict, "--report", report]);

        Assert.True(first == 0, e1);
        Assert.True(second == 1, e2);
        Assert.Contains("FAIL MG0004 +3 against the baseline's 1 (4 now), above the fail level 2", stdout);
        Assert.Contains("+3 against the baseline", stdout);
        Assert.Contains("### Changes against the baseline", File.ReadAllText(report));
    }

    [Fact]
    public async Task Gate_PolicyFileAndOptions_OptionsWin()
    {
        var adapter = Adapter("intruders", b => b.WithIntruders("model.layers.0.self_attn.q_proj", 3));
        var policy = _dir.File("policy.json");
        File.WriteAllText(policy, """{ "intruders": { "perModule": [ { "match": "*.q_proj", "fail": 5 } ], "total": { "warn": 1, "fail": 10 } }, "failOn": "warn" }""");

        var (fromFile, _, e1) = await CliRunner.RunAsync(["gate", "--base", _base, "--adapter", adapter, "--policy", policy]);
        var (overridden, stdout, e2) = await CliRunner.RunAsync(["gate", "--base", _base, "--adapter", adapter, "--policy", policy, "--fail-on", "fail", "--epsilon", "0.1"]);

        Assert.True(fromFile == 1, e1);         // 3 in q_proj is within the file's 5, but the total warns and the file fails on warn
        Assert.True(overridden == 0, e2);       // the command line's --fail-on and --epsilon win over the file
        Assert.Contains("k = 10, ε = 0.1, policy: " + policy, stdout);
        Assert.Contains("gate PASS", stdout);
    }

    [Theory]
    [InlineData("""{ "intruders": { "perModul": [] } }""", "policy.json: unknown key 'intruders.perModul'")]
    [InlineData("""{ "analysis": { "epsilon": "big" } }""", "policy.json: 'analysis.epsilon' must be a number between 0 and 1 (exclusive), got \"big\"")]
    public async Task Gate_BadPolicy_ExitsTwoWithOneLineNamingTheKey(string json, string expected)
    {
        var policy = _dir.File("policy.json");
        File.WriteAllText(policy, json);

        var (code, stdout, stderr) = await CliRunner.RunAsync(["gate", "--base", _base, "--adapter", _dir.File("unused"), "--policy", policy]);

        Assert.Equal(2, code);
        Assert.Equal("", stdout);
        Assert.Equal($"error: {_dir.Path}/{expected}", stderr.Trim());
    }

    [Fact]
    public async Task Gate_PolicyKeyOf64KCharacters_ErrorLineIsCutAndSaysHowMuchWasLeftOut()
    {
        var policy = _dir.File("policy.json");
        var key = new string('k', 65_536);
        File.WriteAllText(policy, $$"""{ "{{key}}": 1 }""");

        var (code, _, stderr) = await CliRunner.RunAsync(["gate", "--base", _base, "--adapter", _dir.File("unused"), "--policy", policy]);

        Assert.Equal(2, code);
        var line = Assert.Single(stderr.Trim().Split('\n'));
        Assert.StartsWith($"error: {policy}: unknown key 'kkk", line, StringComparison.Ordinal);
        Assert.True(line.Length < 1100, $"{line.Length} characters");
        Assert.EndsWith(" more characters)", line, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("--fail-on", "sometimes", "--fail-on (MODELGATE_FAILON) must be one of fail, warn, never, got 'sometimes'")]
    [InlineData("--report", "/no/such/folder/r.md", "--report /no/such/folder/r.md: folder /no/such/folder does not exist")]
    [InlineData("--template", "/no/such/template.md", "--template /no/such/template.md: file not found")]
    [InlineData("--baseline", "/no/such/verdict.json", "/no/such/verdict.json: baseline file not found")]
    public async Task Gate_BadOption_ExitsTwoBeforeAnyAnalysis(string option, string value, string expected)
    {
        var adapter = Adapter("clean", b => b.WithAlignedUpdate("model.layers.0.self_attn.q_proj"));

        var (code, _, stderr) = await CliRunner.RunAsync(["gate", "--base", _base, "--adapter", adapter, option, value]);

        Assert.Equal(2, code);
        Assert.Equal($"error: {expected}", stderr.Trim());
    }

    [Fact]
    public async Task Gate_NoAdapter_ExitsTwo()
    {
        var (code, _, stderr) = await CliRunner.RunAsync(["gate", "--base", _base]);

        Assert.Equal(2, code);
        Assert.Equal("error: --adapter missing: the gate needs at least one", stderr.Trim());
    }

    [Fact]
    public async Task Gate_AdapterMadeOnAnotherBase_WarnsByDefault_AndFailsUnderTheProvenanceSwitch()
    {
        var adapter = Adapter("other-base", b => b.WithAlignedUpdate("model.layers.0.self_attn.q_proj"));
        SetJson(Path.Combine(adapter, "adapter_config.json"), "base_model_name_or_path", "Qwen/Qwen2.5-0.5B");
        SetJson(Path.Combine(_base, "config.json"), "_name_or_path", "meta-llama/Llama-3.2-1B");
        var policy = _dir.File("strict.json");
        File.WriteAllText(policy, """{ "provenance": { "baseMismatch": "fail" } }""");
        var json = _dir.File("verdict.json");
        var md = _dir.File("report.md");

        var (lenient, stdout, e1) = await CliRunner.RunAsync(["gate", "--base", _base, "--adapter", adapter, "--json", json, "--report", md]);
        var (strict, strictOut, e2) = await CliRunner.RunAsync(["gate", "--base", _base, "--adapter", adapter, "--policy", policy]);

        Assert.True(lenient == 0, e1);
        const string finding = "adapter_config.json names base 'Qwen/Qwen2.5-0.5B', but the base given is 'meta-llama/Llama-3.2-1B'";
        Assert.Contains("WARN MG0201 " + finding, stdout);
        Assert.Contains(finding, File.ReadAllText(md));
        using var doc = JsonDocument.Parse(File.ReadAllText(json));
        var origin = Assert.Single(doc.RootElement.GetProperty("provenance").EnumerateArray());
        Assert.Equal(("Qwen/Qwen2.5-0.5B", "mismatch", false), (origin.GetProperty("declaredBase").GetString(), origin.GetProperty("baseMatch").GetString(), origin.GetProperty("zeroUpdate").GetBoolean()));
        Assert.Contains(doc.RootElement.GetProperty("rules").EnumerateArray(), r => r.GetProperty("code").GetString() == "MG0201" && r.GetProperty("status").GetString() == "warn");
        Assert.True(strict == 1, e2);
        Assert.Contains("FAIL MG0201 " + finding, strictOut);
    }

    [Fact]
    public async Task Gate_UntrainedAdapterNamingNoBase_FailsTheZeroUpdateRuleAndSaysTheBaseIsUnknown()
    {
        const string q = "base_model.model.model.layers.0.self_attn.q_proj";
        var adapter = RawAdapterWriter.Write(_dir.File("untrained"), """{ "peft_type": "LORA", "r": 2, "lora_alpha": 4, "target_modules": ["q_proj"] }""",
            (q + ".lora_A.weight", [2, 64], RawAdapterWriter.Ramp(0.01f)), (q + ".lora_B.weight", [64, 2], _ => 0f));

        var (code, stdout, stderr) = await CliRunner.RunAsync(["gate", "--base", _base, "--adapter", adapter]);

        Assert.True(code == 1, stderr);
        Assert.Contains($"FAIL MG0202 {adapter}: every lora_B weight is zero, so the adapter changes nothing", stdout);
        Assert.Contains("gate FAIL: release blocked (exit 1, fail on fail): 0 intruder dimensions", stdout);
        Assert.True(stdout.Contains($"warning: {adapter}: adapter_config.json names no base_model_name_or_path, so whether it was made on {_base} is unknown", StringComparison.Ordinal), stdout);
    }

    private static void SetJson(string file, string key, string value)
    {
        var node = JsonNode.Parse(File.ReadAllText(file))!.AsObject();
        node[key] = value;
        File.WriteAllText(file, node.ToJsonString());
    }

    private string Adapter(string name, Func<LoraAdapterBuilder, LoraAdapterBuilder> plant)
    {
        var folder = _dir.File(name);
        plant(new LoraAdapterBuilder()).Build(_base, folder);
        return folder;
    }
}
