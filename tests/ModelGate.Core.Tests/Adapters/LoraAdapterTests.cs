using ModelGate.Core.Adapters;
using ModelGate.Core.Errors;
using ModelGate.Core.Tensors;
using ModelGate.Demo;
using ModelGate.Testing;
using ModelGate.Testing.Adapters;
using ModelGate.Torch.Merging;
using ModelGate.Torch.Runtime;
using static TorchSharp.torch;

namespace ModelGate.Core.Tests.Adapters;

public sealed class LoraAdapterTests : IDisposable
{
    private const string Config = """{"peft_type": "LORA", "r": 2, "lora_alpha": 4, "target_modules": ["q_proj", "embed_tokens", "lm_head"]}""";
    private const string Q = "base_model.model.model.layers.0.self_attn.q_proj";
    private readonly TempDirectory _dir = new();
    private readonly TinyModel _model;

    public LoraAdapterTests()
    {
        _model = new TinyModelBuilder { Hidden = 16, Intermediate = 32, Heads = 2, KeyValueHeads = 2, Vocab = 24, Layers = 2 }.Build(_dir.File("base"));
    }

    public void Dispose() => _dir.Dispose();

    private string Adapter(string config, params (string, long[], Func<int, float>)[] tensors) =>
        RawAdapterWriter.Write(_dir.File("adapter-" + Guid.NewGuid().ToString("N")[..8]), config, tensors);

    private static (string, long[], Func<int, float>) T(string name, params long[] shape) => (name, shape, RawAdapterWriter.Ramp(0.01f));

    private float[] MergedTensor(string adapterFolder, string tensor)
    {
        TorchRuntime.EnsureLoaded();
        using var weights = ModelWeights.Open(_model.Folder);
        using var adapter = LoraAdapter.Load(adapterFolder);
        var update = MergePlanner.Plan(weights, [adapter]).Single(u => u.TensorName == tensor);
        using var scope = NewDisposeScope();
        return TorchTensors.ToArray(WeightMerger.Apply(TorchTensors.LoadFloat32(weights, update.Base, CPU), update, CPU));
    }

    [Fact]
    public void Load_AdapterNameInKeys_IsReadLikeThePlainForm()
    {
        var plain = Adapter(Config, T(Q + ".lora_A.weight", 2, 16), T(Q + ".lora_B.weight", 16, 2));
        var named = Adapter(Config, T(Q + ".lora_A.default.weight", 2, 16), T(Q + ".lora_B.default.weight", 16, 2));

        Assert.Equal(MergedTensor(plain, "model.layers.0.self_attn.q_proj.weight"), MergedTensor(named, "model.layers.0.self_attn.q_proj.weight"));
    }

    [Fact]
    public void Merge_EmbeddingLora_AddsTransposedProductPerPeft()
    {
        var folder = Adapter(Config, T("base_model.model.model.embed_tokens.lora_embedding_A", 2, 24), T("base_model.model.model.embed_tokens.lora_embedding_B", 16, 2));
        using var weights = ModelWeights.Open(_model.Folder);
        var w = weights.ReadFloat32(weights.Get("model.embed_tokens.weight"));
        var a = Enumerable.Range(0, 48).Select(RawAdapterWriter.Ramp(0.01f)).ToArray();
        var b = Enumerable.Range(0, 32).Select(RawAdapterWriter.Ramp(0.01f)).ToArray();

        var merged = MergedTensor(folder, "model.embed_tokens.weight");

        // ΔW[token, d] = s · Σ_k B[d, k] · A[k, token], s = 4 / 2.
        for (var token = 0; token < 24; token++)
        {
            for (var d = 0; d < 16; d++)
            {
                var delta = 2.0 * ((b[(d * 2) + 0] * a[token]) + (b[(d * 2) + 1] * a[24 + token]));
                Assert.Equal(w[(token * 16) + d] + delta, merged[(token * 16) + d], 5);
            }
        }
    }

    [Fact]
    public void Merge_LoraBiasOnLayerWithoutBias_NamesTheMissingBias()
    {
        var folder = Adapter(Config, T(Q + ".lora_A.weight", 2, 16), T(Q + ".lora_B.weight", 16, 2), T(Q + ".lora_B.bias", 16));
        using var weights = ModelWeights.Open(_model.Folder);
        using var adapter = LoraAdapter.Load(folder);

        var e = Assert.Throws<UserInputException>(() => MergePlanner.Plan(weights, [adapter]));

        Assert.Contains("model.layers.0.self_attn.q_proj.bias", e.Message);
    }

    [Fact]
    public void Merge_ModulesToSave_ReplacesTheWholeTensor()
    {
        var folder = Adapter("""{"r": 2, "lora_alpha": 4, "target_modules": ["q_proj"], "modules_to_save": ["lm_head"]}""",
            T(Q + ".lora_A.weight", 2, 16), T(Q + ".lora_B.weight", 16, 2), T("base_model.model.lm_head.modules_to_save.default.weight", 24, 16));

        var merged = MergedTensor(folder, "lm_head.weight");

        Assert.Equal(Enumerable.Range(0, 24 * 16).Select(RawAdapterWriter.Ramp(0.01f)), merged);
    }

    [Fact]
    public void Load_EveryLoraBZero_WarnsThatTheAdapterChangesNothing()
    {
        var folder = Adapter("""{"r": 2, "lora_alpha": 4, "target_modules": ["q_proj"]}""",
            T(Q + ".lora_A.weight", 2, 16), (Q + ".lora_B.weight", [16, 2], _ => 0f));

        using var adapter = LoraAdapter.Load(folder);

        Assert.Contains(adapter.Warnings, w => w.Contains("every lora_B weight is zero", StringComparison.Ordinal));
    }

    [Fact]
    public void Load_OneLoraBNonZero_DoesNotWarnOfANullUpdate()
    {
        var folder = Adapter("""{"r": 2, "lora_alpha": 4, "target_modules": ["q_proj", "k_proj"]}""",
            T(Q + ".lora_A.weight", 2, 16), (Q + ".lora_B.weight", [16, 2], _ => 0f),
            T("base_model.model.model.layers.0.self_attn.k_proj.lora_A.weight", 2, 16), T("base_model.model.model.layers.0.self_attn.k_proj.lora_B.weight", 16, 2));

        using var adapter = LoraAdapter.Load(folder);

        Assert.DoesNotContain(adapter.Warnings, w => w.Contains("lora_B", StringComparison.Ordinal));
    }

    [Fact]
    public void Load_ModuleTheConfigDoesNotTarget_IsSkippedWithAWarningAsPeftDoes()
    {
        var folder = Adapter("""{"r": 2, "lora_alpha": 4, "target_modules": ["k_proj"]}""",
            T(Q + ".lora_A.weight", 2, 16), T(Q + ".lora_B.weight", 16, 2),
            T("base_model.model.model.layers.0.self_attn.k_proj.lora_A.weight", 2, 16), T("base_model.model.model.layers.0.self_attn.k_proj.lora_B.weight", 16, 2));

        using var adapter = LoraAdapter.Load(folder);

        Assert.Equal(["model.layers.0.self_attn.k_proj"], adapter.Modules.Select(m => m.ModulePath));
        Assert.Contains(adapter.Warnings, w => w.Contains("model.layers.0.self_attn.q_proj", StringComparison.Ordinal));
    }

    [Theory]
    [InlineData("[\"q_projj\"]", "target_modules [q_projj] matches none of the 3 modules with LoRA weights in ", "; did you mean 'q_proj' or 'k_proj'?")]
    [InlineData("\"model\\\\.layers\\\\.\\\\d+\\\\.self_atn\\\\.q_proj\"", "target_modules model\\.layers\\.\\d+\\.self_atn\\.q_proj matches none of the 3 modules", "; did you mean 'model.layers.0.self_attn.q_proj' or 'model.layers.0.self_attn.k_proj'?")]
    public void Load_TargetModulesMatchingNoModule_SaysSoAndNamesTwoItCouldHaveMeant(string targets, string expected, string suggestion)
    {
        const string L0 = "base_model.model.model.layers.0.self_attn.";
        var folder = Adapter($$"""{"r": 2, "lora_alpha": 4, "target_modules": {{targets}}}""",
            T(Q + ".lora_A.weight", 2, 16), T(Q + ".lora_B.weight", 16, 2),
            T(L0 + "k_proj.lora_A.weight", 2, 16), T(L0 + "k_proj.lora_B.weight", 16, 2),
            T(L0 + "v_proj.lora_A.weight", 2, 16), T(L0 + "v_proj.lora_B.weight", 16, 2));

        var e = Assert.Throws<UserInputException>(() => LoraAdapter.Load(folder));

        Assert.StartsWith(Path.Combine(folder, "adapter_config.json") + ": " + expected, e.Message);
        Assert.EndsWith(suggestion, e.Message);
        Assert.DoesNotContain("no LoRA weights", e.Message);
    }

    public static TheoryData<string, (string, long[], Func<int, float>)[], string> BrokenAdapters() => new()
    {
        { Config, [T(Q + ".lora_A.weight", 2, 16)], "has lora_B missing" },
        { Config, [T(Q + ".lora_A.weight", 2, 16), T(Q + ".lora_B.weight", 16, 3)], "rank mismatch in module 'model.layers.0.self_attn.q_proj'" },
        { Config, [T(Q + ".lora_A.weight", 3, 16), T(Q + ".lora_B.weight", 16, 3)], "has rank 3" },
        { Config, [T(Q + ".lora_A.weight", 2, 16), T(Q + ".lora_B.weight", 16, 2), T(Q + ".lora_magnitude_vector", 16)], "use_dora false" },
        { """{"r": 2, "use_dora": true, "target_modules": ["q_proj"]}""", [T(Q + ".lora_A.weight", 2, 16), T(Q + ".lora_B.weight", 16, 2)], "no lora_magnitude_vector" },
        { """{"r": 2, "use_dora": true, "target_modules": ["q_proj"]}""", [T(Q + ".lora_A.weight", 2, 16), T(Q + ".lora_B.weight", 16, 2), T(Q + ".lora_magnitude_vector", 8)], "one magnitude per output feature" },
        { Config, [T(Q + ".lora_A.default.weight", 2, 16), T(Q + ".lora_B.default.weight", 16, 2), T(Q + ".lora_A.other.weight", 2, 16), T(Q + ".lora_B.other.weight", 16, 2)], "holds several adapters (default, other)" },
        { Config, [T(Q + ".lora_A.weight", 2, 16, 1), T(Q + ".lora_B.weight", 16, 2)], "must both be 2-D" },
    };

    [Theory]
    [MemberData(nameof(BrokenAdapters))]
    public void Load_BrokenAdapter_IsOneLineUserErrorNamingTheProblem(string config, (string, long[], Func<int, float>)[] tensors, string expected)
    {
        var folder = Adapter(config, tensors);

        var e = Assert.Throws<UserInputException>(() => LoraAdapter.Load(folder));

        Assert.Contains(expected, e.Message);
        Assert.Contains("adapter_model.safetensors", e.Message);
        Assert.DoesNotContain('\n', e.Message);
    }

    [Theory]
    [InlineData(16, 8, "[16, 8]", "")]
    [InlineData(16, 32, "[16, 32]", "was fan_in_fan_out forgotten?")]
    public void Plan_ShapeMismatchWithBase_NamesModuleBothShapesAndAHint(long outFeatures, long inFeatures, string updateShape, string hint)
    {
        // up_proj is 32 × 16 (out × in) in the base.
        const string up = "base_model.model.model.layers.0.mlp.up_proj";
        var folder = Adapter("""{"r": 2, "lora_alpha": 4, "target_modules": ["up_proj"]}""", T(up + ".lora_A.weight", 2, inFeatures), T(up + ".lora_B.weight", outFeatures, 2));
        using var weights = ModelWeights.Open(_model.Folder);
        using var adapter = LoraAdapter.Load(folder);

        var e = Assert.Throws<UserInputException>(() => MergePlanner.Plan(weights, [adapter]));

        Assert.Contains("model.layers.0.mlp.up_proj", e.Message);
        Assert.Contains("[32, 16]", e.Message);
        Assert.Contains($"update of shape {updateShape}", e.Message);
        Assert.Contains(hint, e.Message);
    }

    [Fact]
    public void Plan_ModulesMissingFromBase_RefusesInOneLineWithTheirCountAndTheBasesNearest()
    {
        // Layers 7 and 8 do not exist in a two-layer base; layer 0's q_proj does. All are refused together.
        static (string, long[], Func<int, float>)[] Module(string m) => [T(m + ".lora_A.weight", 2, 16), T(m + ".lora_B.weight", 16, 2)];
        var folder = Adapter(Config, [.. Module(Q), .. Module("base_model.model.model.layers.7.self_attn.q_proj"), .. Module("base_model.model.model.layers.8.self_attn.q_proj")]);
        using var weights = ModelWeights.Open(_model.Folder);
        using var adapter = LoraAdapter.Load(folder);

        var e = Assert.Throws<UserInputException>(() => MergePlanner.Plan(weights, [adapter]));

        Assert.StartsWith(Path.Combine(folder, "adapter_model.safetensors") + ": 2 of the 3 modules it changes match no tensor of base model ", e.Message);
        Assert.Contains("('model.layers.7.self_attn.q_proj', 'model.layers.8.self_attn.q_proj')", e.Message);
        Assert.Contains("the base's nearest are 'model.layers.0.self_attn.q_proj', 'model.layers.1.self_attn.q_proj'", e.Message);
        Assert.EndsWith("is this the adapter's base model?", e.Message);
        Assert.DoesNotContain('\n', e.Message);
    }

    [Fact]
    public void Plan_LmHeadOnABaseThatStoresNone_SaysTheHeadIsTiedToTheEmbeddings()
    {
        // transformers saves a model with tie_word_embeddings without lm_head.weight (peer vectors: llama3_gqa_tied).
        var folder = Adapter(Config, T("base_model.model.lm_head.lora_A.weight", 2, 64), T("base_model.model.lm_head.lora_B.weight", 1000, 2));
        using var weights = ModelWeights.Open(Path.Combine(RepositoryPaths.PeerVectors(), "models", "llama3_gqa_tied"));
        using var adapter = LoraAdapter.Load(folder);

        var e = Assert.Throws<UserInputException>(() => MergePlanner.Plan(weights, [adapter]));

        Assert.Contains("1 of the 1 modules it changes match no tensor", e.Message);
        Assert.Contains("this base stores no lm_head weight (it ties lm_head to its input embeddings)", e.Message);
    }

    /// <summary>
    /// PEFT 0.21 saved this adapter itself (tests/vectors/peft): LoRA on embed_tokens with the embedding base layer
    /// saved, and lm_head in modules_to_save. Neither the saved layer nor the whole-tensor replacement is a module the
    /// base lacks.
    /// </summary>
    [Fact]
    public void Plan_PeftAdapterWithModulesToSaveAndSavedEmbeddings_IsNotRefused()
    {
        using var weights = ModelWeights.Open(Path.Combine(RepositoryPaths.PeerVectors(), "models", "llama2"));
        using var adapter = LoraAdapter.Load(Path.Combine(RepositoryPaths.PeftVectors(), "llama2_embed_modules_to_save", "adapter1"));

        var planned = MergePlanner.Plan(weights, [adapter]).Select(u => u.TensorName).ToArray();

        Assert.Contains("lm_head.weight", planned);
        Assert.Contains("model.embed_tokens.weight", planned);
    }

    [Fact]
    public void Plan_BaseSavedWithoutModelPrefix_StillFindsTheWeight()
    {
        var folder = Adapter(Config, T("base_model.model.layers.0.self_attn.q_proj.lora_A.weight", 2, 16), T("base_model.model.layers.0.self_attn.q_proj.lora_B.weight", 16, 2));
        using var weights = ModelWeights.Open(_model.Folder);
        using var adapter = LoraAdapter.Load(folder);

        var update = Assert.Single(MergePlanner.Plan(weights, [adapter]));

        Assert.Equal("model.layers.0.self_attn.q_proj.weight", update.TensorName);
    }
}
