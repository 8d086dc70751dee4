using ModelGate.Demo;
using ModelGate.Testing;
using ModelGate.Testing.Tensors;

namespace ModelGate.Cli.Tests;

/// <summary>
/// NaN and infinities in a base or adapter, or finite adapter factors whose product overflows float32: every verb
/// that reads weights refuses them as bad input (exit 2, one line naming file and tensor), never as a crash in an SVD.
/// </summary>
public sealed class NonFiniteWeightTests : IDisposable
{
    private const string QProj = "model.layers.0.self_attn.q_proj";

    private readonly TempDirectory _dir = new();
    private readonly string _base;
    private readonly string _baseFile;
    private readonly string _adapter;
    private readonly string _adapterFile;

    public NonFiniteWeightTests()
    {
        _base = new TinyModelBuilder().Build(_dir.File("base")).Folder;
        _baseFile = Path.Combine(_base, "model.safetensors");
        _adapter = new LoraAdapterBuilder().WithIntruders(QProj, 2).Build(_base, _dir.File("adapter"));
        _adapterFile = Path.Combine(_adapter, "adapter_model.safetensors");
    }

    public void Dispose() => _dir.Dispose();

    public static TheoryData<string[]> Verbs => new()
    {
        { ["analyze"] },
        { ["analyze", "--method", "full-svd"] },
        { ["gate"] },
        { ["lineage"] },
        { ["mitigate", "--dry-run"] },
    };

    [Theory]
    [MemberData(nameof(Verbs))]
    public async Task NaNInAnAnalysedBaseWeight_IsBadInput_NamingFileTensorAndElement(string[] verb)
    {
        PlantedValue.Write(_baseFile, QProj + ".weight", 1234, float.NaN);

        var stderr = await RunExpectingBadInput(verb);

        Assert.Contains($"{_baseFile}: tensor \"{QProj}.weight\" has NaN at element 1234 (non-finite weights cannot be analysed)", stderr);
    }

    [Theory]
    [MemberData(nameof(Verbs))]
    public async Task InfinityInAnAdapterFactor_IsBadInput_NamingFileAndTensor(string[] verb)
    {
        PlantedValue.Write(_adapterFile, $"base_model.model.{QProj}.lora_B.weight", 5, float.NegativeInfinity);

        var stderr = await RunExpectingBadInput(verb);

        Assert.Contains($"{_adapterFile}: tensor \"base_model.model.{QProj}.lora_B.weight\" has -Inf at element 5", stderr);
    }

    [Theory]
    [MemberData(nameof(Verbs))]
    public async Task FiniteFactorsWhoseProductOverflowsFloat32_AreBadInput_NamingAdapterAndTensor(string[] verb)
    {
        // ΔW[0, 0] = s·B[0, 0]·A[0, 0] + … = 2·1e30·1e30: far beyond float32's 3.4e38.
        PlantedValue.Write(_adapterFile, $"base_model.model.{QProj}.lora_B.weight", 0, 1e30f);
        PlantedValue.Write(_adapterFile, $"base_model.model.{QProj}.lora_A.weight", 0, 1e30f);

        var stderr = await RunExpectingBadInput(verb);

        Assert.Contains($"{_adapterFile}: merging its update into base tensor \"{QProj}.weight\" overflows float32: the merged weight has +Inf at element 0", stderr);
    }

    [Fact]
    public async Task Gate_NaNInABaseTensorTheAdapterDoesNotTouch_IsBadInput_NotARelease()
    {
        PlantedValue.Write(_baseFile, "model.layers.1.mlp.up_proj.weight", 77, float.PositiveInfinity);

        var stderr = await RunExpectingBadInput(["gate"]);

        Assert.Contains($"{_baseFile}: tensor \"model.layers.1.mlp.up_proj.weight\" has +Inf at element 77", stderr);
    }

    private async Task<string> RunExpectingBadInput(string[] verb)
    {
        var (code, stdout, stderr) = await CliRunner.RunAsync([.. verb, "--base", _base, "--adapter", _adapter, "--device", "cpu"]);

        Assert.True(code == 2, $"exit {code}\n{stdout}\n{stderr}");
        Assert.DoesNotContain("release allowed", stdout);
        Assert.DoesNotContain("at ModelGate", stderr);
        // Besides progress lines, exactly one line: the error.
        var line = Assert.Single(stderr.Split('\n', StringSplitOptions.RemoveEmptyEntries), l => !l.StartsWith($"{verb[0]} [", StringComparison.Ordinal));
        Assert.StartsWith("error: ", line);
        return line;
    }
}
