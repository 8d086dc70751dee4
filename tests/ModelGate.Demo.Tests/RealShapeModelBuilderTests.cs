using System.Text.Json.Nodes;
using Microsoft.Extensions.Logging.Abstractions;
using ModelGate.Core.Adapters;
using ModelGate.Core.Spectral;
using ModelGate.Core.Tensors;
using ModelGate.Testing;
using ModelGate.Torch.Spectral;

namespace ModelGate.Demo.Tests;

/// <summary>
/// The real-shape builders at scaled-down widths (the benchmark builds the full sizes; CI must not): the files and
/// config are the real model's, and the planted intruders are what both analysis paths find.
/// </summary>
public sealed class RealShapeModelBuilderTests
{
    // The published architecture with narrow matrices: every flag and file of the real model, megabytes not gigabytes.
    private static readonly RealModelShape SmallLlama32 = RealModelShape.Llama32_1B with
    {
        Hidden = 256, Intermediate = 512, Heads = 4, KeyValueHeads = 2, HeadDim = 64, Vocab = 1024,
    };

    [Fact]
    public void BuildModel_Llama32Shape_WritesThePublishedConfigAndTheAskedShards()
    {
        using var dir = new TempDirectory();
        var builder = new RealShapeModelBuilder { Shape = SmallLlama32, Layers = 2, Shards = 3 };

        builder.BuildModel(dir.File("base"), replace: false);

        var config = JsonNode.Parse(File.ReadAllText(dir.File("base/config.json")))!.AsObject();
        Assert.Equal("llama", (string?)config["model_type"]);
        Assert.Equal(2, (int?)config["num_hidden_layers"]);
        Assert.True((bool?)config["tie_word_embeddings"]);
        Assert.Equal("llama3", (string?)config["rope_scaling"]!["rope_type"]);
        Assert.Equal("bfloat16", (string?)config["torch_dtype"]);
        Assert.Equal(
            ["model-00001-of-00003.safetensors", "model-00002-of-00003.safetensors", "model-00003-of-00003.safetensors"],
            Directory.GetFiles(dir.File("base"), "*.safetensors").Select(f => Path.GetFileName(f)).Order().ToArray());
        using var weights = ModelWeights.Open(dir.File("base"));
        Assert.All(weights.Tensors, t => Assert.Equal(TensorDType.BF16, t.DType));
        Assert.False(weights.TryGet("lm_head.weight", out _));
        Assert.Equal([128L, 256], weights.Get("model.layers.1.self_attn.k_proj.weight").Shape);
        Assert.Equal([256L, 512], weights.Get("model.layers.1.mlp.down_proj.weight").Shape);
        Assert.Equal(builder.ModelBytes, weights.Tensors.Sum(t => t.ByteLength));
        Assert.True(File.Exists(dir.File("base/tokenizer.json")));
    }

    [Fact]
    public void BuildModel_QwenShape_HasBiasesOnQkvOnly()
    {
        using var dir = new TempDirectory();
        var shape = RealModelShape.Qwen25_05B with { Hidden = 128, Intermediate = 256, Heads = 2, KeyValueHeads = 1, Vocab = 512 };

        new RealShapeModelBuilder { Shape = shape, Layers = 1 }.BuildModel(dir.File("base"), replace: false);

        using var weights = ModelWeights.Open(dir.File("base"));
        Assert.Equal(
            ["model.layers.0.self_attn.k_proj.bias", "model.layers.0.self_attn.q_proj.bias", "model.layers.0.self_attn.v_proj.bias"],
            weights.Tensors.Where(t => t.Name.EndsWith(".bias", StringComparison.Ordinal)).Select(t => t.Name).Order().ToArray());
        Assert.Equal([64L], weights.Get("model.layers.0.self_attn.k_proj.bias").Shape);
        Assert.Equal("qwen2", (string?)JsonNode.Parse(File.ReadAllText(dir.File("base/config.json")))!["model_type"]);
    }

    [Fact]
    public void BuildModel_Llama31Shape_ShardsByTheHubsSizeLimitWithAnUntiedHead()
    {
        using var dir = new TempDirectory();
        var shape = RealModelShape.Llama31_8B with
        {
            Hidden = 128, Intermediate = 448, Heads = 4, KeyValueHeads = 1, HeadDim = 32, Vocab = 512, MaxShardBytes = 400_000,
        };
        var builder = new RealShapeModelBuilder { Shape = shape, Layers = 2 };

        builder.BuildModel(dir.File("base"), replace: false);

        using var weights = ModelWeights.Open(dir.File("base"));
        Assert.True(weights.TryGet("lm_head.weight", out _));
        Assert.True(weights.ShardFiles.Count > 1);
        Assert.All(weights.ShardFiles, f => Assert.InRange(new FileInfo(Path.Combine(dir.File("base"), f)).Length, 1, 400_000 + 4096));
        Assert.Equal([32L, 128], weights.Get("model.layers.0.self_attn.v_proj.weight").Shape);
    }

    [Theory]
    [InlineData(AnalysisMethod.FullSvd)]
    [InlineData(AnalysisMethod.Auto)]
    public async Task Analyze_AllLinearAdapterOnRealShape_FindsExactlyThePlantedIntruders(string method)
    {
        using var dir = new TempDirectory();
        var builder = new RealShapeModelBuilder { Shape = SmallLlama32, Layers = 2 };
        builder.BuildModel(dir.File("base"), replace: false);
        builder.BuildAdapter(dir.File("base"), dir.File("adapter"), replace: false);

        var report = await new IntruderAnalyzer(NullLogger<IntruderAnalyzer>.Instance).AnalyzeAdaptersAsync(dir.File("base"), [dir.File("adapter")],
            new AnalysisSettings { Method = method, CacheFolder = dir.File("cache") }, "cpu", null, CancellationToken.None);

        Assert.Equal(14, report.Modules.Count);
        Assert.Equal(builder.PlantedIntruders.OrderBy(p => p.Key), report.Modules.Select(m => KeyValuePair.Create(m.Name, m.Intruders)).OrderBy(p => p.Key));
        Assert.Contains(builder.PlantedIntruders.Values, c => c == 0);
        Assert.Contains(builder.PlantedIntruders.Values, c => c == 2);
        using var adapter = LoraAdapter.Load(dir.File("adapter"));
        Assert.All(adapter.Modules, m => Assert.Equal(16, m.Rank));
    }
}
