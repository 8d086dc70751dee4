using System.Text.Json;
using ModelGate.Core.Adapters;
using ModelGate.Core.Errors;
using ModelGate.Testing;

namespace ModelGate.Core.Tests.Adapters;

public sealed class AdapterConfigTests
{
    private static AdapterConfig Parse(string json) =>
        AdapterConfig.Parse(JsonDocument.Parse(json).RootElement, "/x/adapter_config.json");

    [Fact]
    public void ScaleFor_RsloraWithPatterns_MatchesPeftPerModule()
    {
        var config = AdapterConfig.Load(Path.Combine(RepositoryPaths.PeerVectors(), "adapters", "llama2_rslora_patterns_regex"));

        Assert.Equal(4, config.RankFor("model.layers.0.self_attn.q_proj"));
        Assert.Equal(16 / Math.Sqrt(4), config.ScaleFor("model.layers.0.self_attn.q_proj"), 12);
        Assert.Equal(32 / Math.Sqrt(8), config.ScaleFor("model.layers.1.self_attn.v_proj"), 12);
        Assert.Equal(16 / Math.Sqrt(8), config.ScaleFor("model.layers.0.mlp.down_proj"), 12);
    }

    [Fact]
    public void ScaleFor_PlainLora_IsAlphaOverRank()
    {
        var config = Parse("""{"r": 8, "lora_alpha": 32, "target_modules": ["q_proj"]}""");

        Assert.Equal(4.0, config.ScaleFor("model.layers.3.self_attn.q_proj"));
    }

    [Fact]
    public void PatternKeys_MatchWholeSegmentsOnly_AsPeftGetPatternKey()
    {
        var config = Parse("""{"r": 8, "lora_alpha": 8, "rank_pattern": {"q_proj": 2, "layers.1.self_attn.k_proj": 4}}""");

        Assert.Equal(2, config.RankFor("model.layers.0.self_attn.q_proj"));
        Assert.Equal(8, config.RankFor("model.layers.0.self_attn.xq_proj"));
        Assert.Equal(4, config.RankFor("model.layers.1.self_attn.k_proj"));
        Assert.Equal(8, config.RankFor("model.layers.11.self_attn.k_proj"));
    }

    [Fact]
    public void Targets_RegexString_MustMatchWholeModulePath()
    {
        var config = Parse("""{"r": 8, "target_modules": ".*\\.(q_proj|v_proj)"}""");

        Assert.True(config.Targets("model.layers.0.self_attn.q_proj"));
        Assert.False(config.Targets("model.layers.0.self_attn.q_proj_extra"));
        Assert.False(config.Targets("q_proj"));
    }

    [Fact]
    public void Targets_NameList_MatchesExactOrDottedSuffix()
    {
        var config = Parse("""{"r": 8, "target_modules": ["q_proj", "mlp.up_proj"], "exclude_modules": ["model.layers.1.self_attn.q_proj"]}""");

        Assert.True(config.Targets("model.layers.0.self_attn.q_proj"));
        Assert.True(config.Targets("model.layers.0.mlp.up_proj"));
        Assert.False(config.Targets("model.layers.0.self_attn.xq_proj"));
        Assert.False(config.Targets("model.layers.1.self_attn.q_proj"));
    }

    [Fact]
    public void Targets_LayersToTransform_KeepsOnlyListedBlocks()
    {
        var config = Parse("""{"r": 8, "target_modules": ["q_proj"], "layers_to_transform": [1], "layers_pattern": "layers"}""");

        Assert.False(config.Targets("model.layers.0.self_attn.q_proj"));
        Assert.True(config.Targets("model.layers.1.self_attn.q_proj"));
    }

    [Theory]
    [InlineData("""{"r": "eight"}""", "field 'r' must be an integer")]
    [InlineData("""{"r": 0}""", "field 'r' must be a positive integer")]
    [InlineData("""{"lora_alpha": 16}""", "field 'r' is missing")]
    [InlineData("""{"r": 8, "peft_type": "PREFIX_TUNING"}""", "peft_type is 'PREFIX_TUNING'")]
    [InlineData("""{"r": 8, "rank_pattern": {"q_proj": -1}}""", "field 'rank_pattern.q_proj' must be a positive integer")]
    [InlineData("""{"r": 8, "target_modules": "(unclosed"}""", "field 'target_modules' is not a valid regular expression")]
    [InlineData("""{"r": 8, "use_rslora": "yes"}""", "field 'use_rslora' must be true or false")]
    public void Parse_BadField_NamesFileAndField(string json, string expected)
    {
        var e = Assert.Throws<UserInputException>(() => Parse(json));

        Assert.Contains("/x/adapter_config.json", e.Message);
        Assert.Contains(expected, e.Message);
    }

    [Theory]
    [InlineData("pissa", "PiSSA", "path_initial_model_for_weight_conversion")]
    [InlineData("pissa_niter_4", "PiSSA", "path_initial_model_for_weight_conversion")]
    [InlineData("olora", "OLoRA", "path_initial_model_for_weight_conversion")]
    [InlineData("corda", "CorDA", "path_initial_model_for_weight_conversion")]
    [InlineData("loftq", "LoftQ", "cannot be converted")]
    public void Parse_InitThatChangedTheBase_IsRefusedWithTheConversionToDo(string init, string method, string fix)
    {
        var e = Assert.Throws<UserInputException>(() => Parse($$"""{"r": 8, "init_lora_weights": "{{init}}"}"""));

        Assert.Contains("/x/adapter_config.json", e.Message);
        Assert.Contains($"init_lora_weights is '{init}'", e.Message);
        Assert.Contains(method, e.Message);
        Assert.Contains(fix, e.Message);
    }

    [Theory]
    [InlineData("true")]
    [InlineData("false")]
    [InlineData("\"gaussian\"")]
    [InlineData("\"eva\"")]
    public void Parse_InitThatLeavesTheBaseAlone_IsAccepted(string init) =>
        Assert.Equal(8, Parse($$"""{"r": 8, "init_lora_weights": {{init}}}""").R);

    [Fact]
    public void Load_PeftWrittenConfigWithUnknownFields_IsAccepted()
    {
        foreach (var folder in Directory.EnumerateDirectories(Path.Combine(RepositoryPaths.PeerVectors(), "adapters")))
        {
            var config = AdapterConfig.Load(folder);
            Assert.True(config.R > 0, folder);
        }
    }

    [Fact]
    public void Load_NotJson_IsOneLineUserError()
    {
        using var dir = new TempDirectory();
        File.WriteAllText(dir.File("adapter_config.json"), "{ not json");

        var e = Assert.Throws<UserInputException>(() => AdapterConfig.Load(dir.Path));

        Assert.Contains("adapter_config.json: not valid JSON", e.Message);
    }

    [Fact]
    public void Load_HugeConfig_IsRefusedWithoutReadingIt()
    {
        using var dir = new TempDirectory();
        using (var f = File.Create(dir.File("adapter_config.json")))
        {
            f.SetLength(64L << 20);
        }

        var e = Assert.Throws<UserInputException>(() => AdapterConfig.Load(dir.Path));

        Assert.Contains("larger than 16 MiB limit for an adapter config", e.Message);
    }
}
