using System.Security.Cryptography;
using ModelGate.Demo;
using ModelGate.Testing;
using ModelGate.Testing.IO;
using ModelGate.Testing.Packaging;

namespace ModelGate.Cli.Tests;

/// <summary>
/// Every verb that writes checks, before any work, that its outputs are none of its inputs (nor inside or around
/// one) and that their locations take files: a mistyped path exits 2 naming both paths and loses nothing.
/// </summary>
public sealed class OutputPathTests : IDisposable
{
    private readonly TempDirectory _dir = new();
    private readonly string _base;
    private readonly string _adapter;
    private readonly string _policy;
    private readonly IReadOnlyList<string> _linearModules;

    public OutputPathTests()
    {
        var model = new TinyModelBuilder().Build(_dir.File("base"));
        (_base, _linearModules) = (model.Folder, model.LinearModules);
        _adapter = new LoraAdapterBuilder().WithIntruders("model.layers.0.self_attn.q_proj", 2).Build(_base, _dir.File("adapter"));
        _policy = _dir.File("policy.json");
        File.WriteAllText(_policy, """{ "failOn": "fail" }""");
    }

    public void Dispose() => _dir.Dispose();

    public static TheoryData<string, string, string, string> OutputsOverInputs => new()
    {
        // verb, output option, output (relative to the test folder), the input it collides with
        { "gate", "--json", "base/model.safetensors", "the --base model folder {base}" },
        { "analyze", "-o", "adapter/adapter_model.safetensors", "the --adapter folder {adapter}" },
        { "lineage", "-o", "adapter/adapter_config.json", "the --adapter folder {adapter}" },
        { "gate", "--report", "adapter/adapter_config.json", "the --adapter folder {adapter}" },
        { "gate", "--html", "base/config.json", "the --base model folder {base}" },
        { "gate", "--json", "policy.json", "the --policy file {policy}" },
    };

    [Theory]
    [MemberData(nameof(OutputsOverInputs))]
    public async Task Verb_OutputOverAnInputFile_ExitsTwoNamingBoth_AndLeavesTheInputAsItWas(string verb, string option, string output, string input)
    {
        var target = _dir.File(output);
        var before = Snapshot();

        var (code, stdout, stderr) = await Run(verb, option, target);

        Assert.True(code == 2, stderr);
        Assert.Equal("", stdout);
        var line = Assert.Single(Lines(stderr));
        Assert.StartsWith($"error: {(option == "-o" ? "--output" : option)} {target}: ", line);
        Assert.Contains(Expand(input), line);
        Assert.Equal(before, Snapshot());
    }

    [Fact]
    public async Task Gate_JsonThroughASymlinkToTheBaseWeights_IsCaught()
    {
        var link = _dir.File("verdict.json");
        File.CreateSymbolicLink(link, Path.Combine(_base, "model.safetensors"));
        var before = Snapshot();

        var (code, _, stderr) = await Run("gate", "--json", link);

        Assert.True(code == 2, stderr);
        Assert.Equal($"error: --json {link} (→ {Path.Combine(_base, "model.safetensors")}): lies inside the --base model folder {_base}, an input of this run; choose another path", Assert.Single(Lines(stderr)));
        Assert.Equal(before, Snapshot());
    }

    [Fact]
    public async Task Analyze_NewReportInsideTheBaseFolder_IsCaughtAndNothingIsWritten()
    {
        var report = Path.Combine(_base, "intruders.md");

        var (code, _, stderr) = await Run("analyze", "-o", report);

        Assert.True(code == 2, stderr);
        Assert.Equal($"error: --output {report}: lies inside the --base model folder {_base}, an input of this run; choose another path", Assert.Single(Lines(stderr)));
        Assert.False(File.Exists(report));
    }

    [Fact]
    public async Task Merge_OutputFolderHoldingTheAdapter_IsCaughtEvenWithForce()
    {
        var before = Snapshot();

        var (code, _, stderr) = await CliRunner.RunAsync("merge", "--base", _base, "--adapter", _adapter, "--output", _dir.Path, "--force", "--device", "cpu");

        Assert.True(code == 2, stderr);
        Assert.Equal($"error: --output {_dir.Path}: holds the --base model folder {_base}, an input of this run; choose another path", Assert.Single(Lines(stderr)));
        Assert.Equal(before, Snapshot());
    }

    [Fact]
    public async Task Mitigate_OutputInsideTheAdapter_IsCaught()
    {
        var output = Path.Combine(_adapter, "repaired");

        var (code, _, stderr) = await CliRunner.RunAsync("mitigate", "--base", _base, "--adapter", _adapter, "--output", output, "--device", "cpu");

        Assert.True(code == 2, stderr);
        Assert.Equal($"error: --output {output}: lies inside the --adapter folder {_adapter}, an input of this run; choose another path", Assert.Single(Lines(stderr)));
        Assert.False(Directory.Exists(output));
    }

    [Fact]
    public async Task Forgetting_ReportOverTheCorpus_IsCaught()
    {
        var corpus = _dir.File("corpus.txt");
        File.WriteAllText(corpus, "held-out text");

        var (code, _, stderr) = await CliRunner.RunAsync("forgetting", "--base", _base, "--corpus", corpus, "-o", corpus, "--device", "cpu");

        Assert.True(code == 2, stderr);
        Assert.Equal($"error: --output {corpus}: is an input of this run (the --corpus {corpus}); choose another path", Assert.Single(Lines(stderr)));
        Assert.Equal("held-out text", File.ReadAllText(corpus));
    }

    [Fact]
    public async Task Gate_PromoteBesideTheAdapter_WouldReleaseOverItAndIsCaught()
    {
        // The version defaults to the adapter folder's name, so the release folder would be the adapter itself.
        var release = Path.Combine(_dir.Path, "adapter");
        var before = Snapshot();

        var (code, stdout, stderr) = await Run("gate", "--promote", _dir.Path);

        Assert.True(code == 2, stderr);
        Assert.Equal("", stdout);
        Assert.Equal($"error: --promote {release}: is an input of this run (the --adapter folder {_adapter}); choose another path", Assert.Single(Lines(stderr)));
        Assert.Equal(before, Snapshot());
    }

    [Fact]
    public async Task Precompute_CacheInsideTheBase_IsCaught()
    {
        var cache = Path.Combine(_base, "spectra");

        var (code, _, stderr) = await CliRunner.RunAsync("precompute", "--base", _base, "--cache", cache, "--device", "cpu");

        Assert.True(code == 2, stderr);
        Assert.Equal($"error: --cache {cache}: lies inside the --base model folder {_base}, an input of this run; choose another path", Assert.Single(Lines(stderr)));
        Assert.False(Directory.Exists(cache));
    }

    [UnwritableFolderFact]
    public async Task Gate_JsonInAFolderThatRefusesWrites_ExitsTwoBeforeTheAnalysis()
    {
        var json = Path.Combine(UnwritableFolder.Path!, "verdict.json");
        var cache = _dir.File("cache");

        var (code, stdout, stderr) = await CliRunner.RunAsync("gate", "--base", _base, "--adapter", _adapter, "--json", json, "--cache", cache, "--device", "cpu");

        Assert.True(code == 2, stderr);
        Assert.StartsWith($"error: --json {json}: cannot write in {UnwritableFolder.Path} (", Assert.Single(Lines(stderr)));
        // Never analysed: no verdict table, no progress line, no base spectrum computed into the cache.
        Assert.Equal("", stdout);
        Assert.False(Directory.Exists(cache) && Directory.EnumerateFileSystemEntries(cache, "*", SearchOption.AllDirectories).Any());
    }

    [Fact]
    public async Task Analyze_OutputBelowARegularFile_ExitsTwoBeforeTheAnalysis()
    {
        var notAFolder = _dir.File("notes.txt");
        File.WriteAllText(notAFolder, "");
        var report = Path.Combine(notAFolder, "report.md");

        var (code, stdout, stderr) = await Run("analyze", "-o", report);

        Assert.True(code == 2, stderr);
        Assert.Equal($"error: --output {report}: {notAFolder} is a file, not a folder", Assert.Single(Lines(stderr)));
        Assert.Equal("", stdout);
    }

    [PrivateMountFact]
    public async Task Analyze_DiskFullWhenTheReportIsWritten_ExitsTwoAndLeavesNoTemporaryFile()
    {
        var disk = Directory.CreateDirectory(_dir.File("disk")).FullName;
        var report = Path.Combine(disk, "report.json");
        // Every linear module in the report makes it several pages long.
        var wide = _linearModules.Aggregate(new LoraAdapterBuilder(), (b, m) => b.WithAlignedUpdate(m)).Build(_base, _dir.File("wide"));
        var cli = Path.Combine(AppContext.BaseDirectory, "dotnet-intruder-gate.dll");
        // One free page: the up-front check's one byte fits, the report does not.
        var arguments = PrivateMount.Arguments(disk, pages: 2, filledPages: 1,
            [ChildProcess.DotNet, cli, "analyze", "--base", _base, "--adapter", wide, "--format", "json", "-o", report, "--device", "cpu"]);

        var result = await ChildProcess.RunAsync("unshare", arguments, _dir.Path);

        Assert.True(result.ExitCode == 2, result.Output);
        Assert.Equal($"error: {report}: cannot write (no space left on the device); nothing was written", Lines(result.StandardError)[^1]);
        Assert.Equal(["fill"], Lines(result.StandardOutput));
    }

    private Task<(int ExitCode, string Out, string Error)> Run(string verb, string option, string output) => verb switch
    {
        "gate" => CliRunner.RunAsync("gate", "--base", _base, "--adapter", _adapter, "--policy", _policy, option, output, "--device", "cpu"),
        _ => CliRunner.RunAsync(verb, "--base", _base, "--adapter", _adapter, option, output, "--device", "cpu"),
    };

    private string Expand(string text) => text.Replace("{base}", _base).Replace("{adapter}", _adapter).Replace("{policy}", _policy);

    private static string[] Lines(string text) => text.Split('\n', StringSplitOptions.RemoveEmptyEntries);

    /// <summary>Every file the run was given, byte for byte (as hashes).</summary>
    private Dictionary<string, string> Snapshot() =>
        new[] { _base, _adapter }.SelectMany(f => Directory.EnumerateFiles(f, "*", SearchOption.AllDirectories)).Append(_policy)
            .ToDictionary(f => f, f => Convert.ToHexString(SHA256.HashData(File.ReadAllBytes(f))));
}
