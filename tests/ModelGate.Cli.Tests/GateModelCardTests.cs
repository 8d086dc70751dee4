using ModelGate.Core.Reporting.ModelCards;
using ModelGate.Demo;
using ModelGate.Testing;

namespace ModelGate.Cli.Tests;

public sealed class GateModelCardTests : IDisposable
{
    private const string TheirCard = "---\n# set by the trainer\nlicense: apache-2.0\ntags:\n- lora\n---\n# support-bot\n\nAnswers tickets.\n";
    private readonly TempDirectory _dir = new();
    private readonly string _base;
    private readonly string _adapter;

    public GateModelCardTests()
    {
        _base = new TinyModelBuilder().Build(_dir.File("base")).Folder;
        _adapter = _dir.File("support-bot");
        new LoraAdapterBuilder().WithAlignedUpdate("model.layers.0.self_attn.q_proj").Build(_base, _adapter);
    }

    public void Dispose() => _dir.Dispose();

    [Fact]
    public async Task Gate_ModelCard_WritesTheResultsIntoTheCardAndKeepsTheRest()
    {
        var card = _dir.File("README.md");
        File.WriteAllText(card, TheirCard);

        var (code, stdout, stderr) = await CliRunner.RunAsync(["gate", "--base", _base, "--adapter", _adapter, "--model-card", card, "--device", "cpu"]);

        Assert.True(code == 0, stdout + stderr);
        Assert.Contains($"wrote model card {card}", stderr);
        var written = File.ReadAllText(card);
        Assert.StartsWith("---\n# set by the trainer\nlicense: apache-2.0\ntags:\n- lora\nmodel-index:\n", written, StringComparison.Ordinal);
        Assert.Contains("    source:\n      name: ModelGate\n", written, StringComparison.Ordinal);
        Assert.Contains("---\n# support-bot\n\nAnswers tickets.\n\n" + ModelCardText.BeginMarker, written, StringComparison.Ordinal);
        Assert.Contains("Verdict: **PASS**", written, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Gate_ModelCardAndPromote_ReleasesTheWrittenCardAsTheAdaptersReadme()
    {
        File.WriteAllText(Path.Combine(_adapter, "README.md"), TheirCard);
        var card = _dir.File("card.md");
        File.Copy(Path.Combine(_adapter, "README.md"), card);
        var releases = _dir.File("releases");
        Directory.CreateDirectory(releases);

        var (code, stdout, stderr) = await CliRunner.RunAsync(["gate", "--base", _base, "--adapter", _adapter, "--model-card", card,
            "--promote", releases, "--release-version", "v1", "--device", "cpu"]);

        Assert.True(code == 0, stdout + stderr);
        Assert.Equal(File.ReadAllText(card), File.ReadAllText(Path.Combine(releases, "v1", "README.md")));
        Assert.Contains(ModelCardText.BeginMarker, File.ReadAllText(card), StringComparison.Ordinal);
        Assert.Equal(TheirCard, File.ReadAllText(Path.Combine(_adapter, "README.md")));
    }
}
