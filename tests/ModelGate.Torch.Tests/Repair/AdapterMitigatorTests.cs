using Microsoft.Extensions.Logging.Abstractions;
using ModelGate.Core.Adapters;
using ModelGate.Core.Errors;
using ModelGate.Core.Repair;
using ModelGate.Core.Tensors;
using ModelGate.Demo;
using ModelGate.Testing;
using ModelGate.Torch.Merging;
using ModelGate.Torch.Repair;
using ModelGate.Torch.Runtime;
using ModelGate.Torch.Spectral;
using static TorchSharp.torch;

namespace ModelGate.Torch.Tests.Repair;

public sealed class AdapterMitigatorTests : IDisposable
{
    private static readonly AdapterMitigator Mitigator = new(new IntruderAnalyzer(NullLogger<IntruderAnalyzer>.Instance), NullLogger<AdapterMitigator>.Instance);
    private readonly TempDirectory _dir = new();

    public AdapterMitigatorTests() => TorchRuntime.EnsureLoaded();

    public void Dispose() => _dir.Dispose();

    private (string Base, string Adapter) Planted(LoraAdapterBuilder? builder = null)
    {
        var model = new TinyModelBuilder().Build(_dir.File("base"));
        (builder ?? new LoraAdapterBuilder())
            .WithIntruders("model.layers.0.self_attn.q_proj", 3)
            .WithIntruders("model.layers.1.mlp.down_proj", 2)
            .WithAlignedUpdate("model.layers.0.self_attn.v_proj")
            .Build(model.Folder, _dir.File("adapter"));
        return (model.Folder, _dir.File("adapter"));
    }

    /// <summary>Wt = W0 + ΔW of every matrix the adapter changes, analysed orientation, float64.</summary>
    private static Dictionary<string, Tensor> Merged(string baseFolder, string adapterFolder)
    {
        using var weights = ModelWeights.Open(baseFolder);
        using var adapter = LoraAdapter.Load(adapterFolder);
        var result = new Dictionary<string, Tensor>();
        foreach (var u in MergePlanner.Plan(weights, [adapter]).Where(u => u.IsMatrix))
        {
            var w = WeightMerger.Apply(TorchTensors.LoadFloat32(weights, u.Base, CPU), u, CPU);
            result[u.TensorName] = (u.Layout == MatrixLayout.Transposed ? w.t() : w).to_type(ScalarType.Float64);
        }

        return result;
    }

    /// <summary>The edit computed directly: Wt − (1−λ)·Σ σⱼ·uⱼ·vⱼᵀ over the reported intruders.</summary>
    private static Tensor DirectEdit(Tensor wt, IReadOnlyList<int> ranks, double lambda)
    {
        var (u, s, vh) = linalg.svd(wt, fullMatrices: false);
        var edited = wt.clone();
        foreach (var j in ranks)
        {
            edited -= (1 - lambda) * s[j] * u.narrow(1, j, 1).matmul(vh.narrow(0, j, 1));
        }

        return edited;
    }

    private static void AssertMergesToDirectEdit(string baseFolder, string adapterFolder, MitigationResult result, double tolerance = 1e-5)
    {
        var original = Merged(baseFolder, adapterFolder);
        var repaired = Merged(baseFolder, result.OutputFolder!);
        Assert.Equal(original.Keys.Order(), repaired.Keys.Order());
        foreach (var m in result.Modules)
        {
            var expected = DirectEdit(original[m.Tensor], m.IntruderRanks, m.Lambda);
            var relative = (repaired[m.Tensor] - expected).abs().max().item<double>() / expected.abs().max().item<double>();
            Assert.True(relative <= tolerance, $"{m.Tensor}: merged repaired adapter differs from the direct edit by {relative:E2}");
        }
    }

    [Fact]
    public async Task Mitigate_HalfLambda_MergesExactlyToTheSpectralEdit()
    {
        var (baseFolder, adapter) = Planted();

        var result = await Mitigator.MitigateAsync(baseFolder, adapter, _dir.File("repaired"), new MitigationSettings { Lambda = 0.5 }, "cpu", null, CancellationToken.None);

        Assert.Equal(["model.layers.0.self_attn.q_proj", "model.layers.1.mlp.down_proj"], result.Modules.Select(m => m.ModulePath).Order());
        Assert.Equal([8 + 3, 8 + 2], result.Modules.OrderBy(m => m.ModulePath).Select(m => m.RankAfter));
        AssertMergesToDirectEdit(baseFolder, adapter, result);
    }

    [Fact]
    public async Task Mitigate_WrittenAdapter_LoadsAsPeftAdapterWithScaleOneOnChangedModules()
    {
        var (baseFolder, adapter) = Planted(new LoraAdapterBuilder { UseRslora = true, AdapterNameInKeys = "default", RankPattern = new Dictionary<string, int> { ["q_proj"] = 4 } });

        var result = await Mitigator.MitigateAsync(baseFolder, adapter, _dir.File("repaired"), new MitigationSettings { Lambda = 0.25 }, "cpu", null, CancellationToken.None);

        using var repaired = LoraAdapter.Load(result.OutputFolder!);
        var q = repaired.Modules.Single(m => m.ModulePath == "model.layers.0.self_attn.q_proj");
        Assert.Equal(4 + 3, q.Rank);
        Assert.Equal(1.0, q.Scale, 12);
        Assert.Equal(1.0, repaired.Config.ScaleFor("model.layers.1.mlp.down_proj"), 12);
        Assert.Equal(16 / Math.Sqrt(8), repaired.Config.ScaleFor("model.layers.0.self_attn.v_proj"), 12);
        Assert.Equal(4, repaired.Config.RankFor("model.layers.1.self_attn.q_proj"));
        Assert.StartsWith("base_model.model.", q.A.Name);
        Assert.Contains(".lora_A.default.weight", q.A.Name);
        AssertMergesToDirectEdit(baseFolder, adapter, result);
    }

    [Fact]
    public async Task Mitigate_LambdaZero_RemovesTheCountedIntruders()
    {
        var (baseFolder, adapter) = Planted();

        var result = await Mitigator.MitigateAsync(baseFolder, adapter, _dir.File("repaired"), new MitigationSettings { Lambda = 0 }, "cpu", null, CancellationToken.None);

        Assert.Equal(5, result.Before.TotalIntruders);
        Assert.Equal(0, result.After!.TotalIntruders);
    }

    [Fact]
    public async Task Mitigate_LambdaOne_ChangesNothing()
    {
        var (baseFolder, adapter) = Planted();

        var result = await Mitigator.MitigateAsync(baseFolder, adapter, _dir.File("repaired"), new MitigationSettings { Lambda = 1 }, "cpu", null, CancellationToken.None);

        Assert.DoesNotContain(result.Modules, m => m.Changed);
        Assert.Equal(File.ReadAllBytes(Path.Combine(adapter, "adapter_model.safetensors")), File.ReadAllBytes(Path.Combine(result.OutputFolder!, "adapter_model.safetensors")));
        Assert.Equal(result.Before.TotalIntruders, result.After!.TotalIntruders);
    }

    [Fact]
    public async Task Mitigate_PerModuleLambdaAndThreshold_AreApplied()
    {
        var (baseFolder, adapter) = Planted();
        var settings = new MitigationSettings { Lambda = 0.5, ModuleLambdas = [@"q_proj=0"], MinIntruders = 3 };

        var result = await Mitigator.MitigateAsync(baseFolder, adapter, _dir.File("repaired"), settings, "cpu", null, CancellationToken.None);

        var q = Assert.Single(result.Modules);
        Assert.Equal("model.layers.0.self_attn.q_proj", q.ModulePath);
        Assert.Equal(0, q.Lambda);
        Assert.Equal(2, result.After!.TotalIntruders);
    }

    [Theory]
    [InlineData("gpt2_fan_in_fan_out")]
    [InlineData("llama2_rslora_patterns_regex")]
    [InlineData("roberta_qv")]
    public async Task Mitigate_PeftSavedAdapter_MergesExactlyToTheSpectralEdit(string name)
    {
        var result = await Mitigator.MitigateAsync(PeerVectors.BaseFolderOf(name), PeerVectors.AdapterFolder(name), _dir.File(name), new MitigationSettings { Lambda = 0.3 }, "cpu", null, CancellationToken.None);

        Assert.Contains(result.Modules, m => m.Changed);
        AssertMergesToDirectEdit(PeerVectors.BaseFolderOf(name), PeerVectors.AdapterFolder(name), result);
    }

    [Fact]
    public async Task Mitigate_DryRun_WritesNothing()
    {
        var (baseFolder, adapter) = Planted();

        var result = await Mitigator.MitigateAsync(baseFolder, adapter, _dir.File("repaired"), new MitigationSettings { DryRun = true }, "cpu", null, CancellationToken.None);

        Assert.Null(result.After);
        Assert.Equal(2, result.Modules.Count(m => m.Changed));
        Assert.False(Directory.Exists(_dir.File("repaired")));
    }

    [Fact]
    public async Task Mitigate_DoraAdapter_IsRefusedWithTheReason()
    {
        var e = await Assert.ThrowsAsync<UserInputException>(() =>
            Mitigator.MitigateAsync(PeerVectors.BaseFolderOf("llama2_dora"), PeerVectors.AdapterFolder("llama2_dora"), _dir.File("x"), new MitigationSettings(), "cpu", null, CancellationToken.None));

        Assert.Contains("DoRA", e.Message);
        Assert.False(Directory.Exists(_dir.File("x")));
    }

    [Theory]
    [InlineData(1.5, null, "λ must be between 0 and 1, got 1.5")]
    [InlineData(0.5, "q_proj", "per-module λ 'q_proj': expected REGEX=λ")]
    [InlineData(0.5, "(=0.5", "not a valid regular expression")]
    public void Mitigate_BadSettings_AreUserErrors(double lambda, string? moduleLambda, string expected)
    {
        var settings = new MitigationSettings { Lambda = lambda, ModuleLambdas = moduleLambda is null ? [] : [moduleLambda] };

        var e = Assert.Throws<UserInputException>(settings.Validate);

        Assert.Contains(expected, e.Message);
    }
}
