using System.Text.Json.Nodes;
using ModelGate.Forgetting.Models;
using ModelGate.Testing;
using ModelGate.Torch.Runtime;
using Xunit.Abstractions;

namespace ModelGate.Forgetting.Tests.Models;

/// <summary>Properties the benchmarks rely on beyond the reference logits: padding, bfloat16, both rope config forms.</summary>
public sealed class LanguageModelBehaviourTests(ITestOutputHelper output)
{
    private static readonly LanguageModelLoader Loader = new();
    private static readonly LanguageModelOptions Cpu = new() { Device = "cpu" };

    public static IEnumerable<object[]> Models() => PeerVectors.ModelNames();

    static LanguageModelBehaviourTests() => TorchRuntime.EnsureLoaded();

    [Theory]
    [MemberData(nameof(Models))]
    public void Forward_RightPaddedBatch_GivesTheUnpaddedLogitsOnRealTokens(string name)
    {
        using var model = Loader.Load(PeerVectors.ModelFolder(name), Cpu);
        var ids = PeerVectors.InputIds();
        var shortLength = 9;
        var pad = name == "roberta" ? 1L : 0L;
        long[][] padded = [ids[0], [.. ids[1][..shortLength], .. Enumerable.Repeat(pad, ids[1].Length - shortLength)]];
        long[][] mask = [[.. Enumerable.Repeat(1L, ids[0].Length)], [.. Enumerable.Repeat(1L, shortLength), .. Enumerable.Repeat(0L, ids[1].Length - shortLength)]];

        var batch = ModelLogits.Run(model, padded, mask);
        var alone0 = ModelLogits.Run(model, [ids[0]]);
        var alone1 = ModelLogits.Run(model, [ids[1][..shortLength]]);

        var vocabulary = model.VocabularySize;
        var row0 = batch[..(ids[0].Length * vocabulary)];
        var row1 = batch[(ids[0].Length * vocabulary)..((ids[0].Length + shortLength) * vocabulary)];
        var difference = Math.Max(ModelLogits.MaxAbsDifference(row0, alone0), ModelLogits.MaxAbsDifference(row1, alone1));
        output.WriteLine($"{name}: padded vs unpadded max |Δlogit| = {difference:E2}");
        Assert.True(difference <= 1e-5, $"{name}: padding changed real-token logits by {difference}");
        Assert.True(batch.All(float.IsFinite), $"{name}: padded positions gave NaN or infinity");
    }

    [Theory]
    [MemberData(nameof(Models))]
    public void Forward_Bfloat16_StaysCloseToFloat32(string name)
    {
        using var full = Loader.Load(PeerVectors.ModelFolder(name), Cpu);
        using var half = Loader.Load(PeerVectors.ModelFolder(name), Cpu with { DType = "bfloat16" });
        var ids = PeerVectors.InputIds();

        var reference = ModelLogits.Run(full, ids);
        var bf16 = ModelLogits.Run(half, ids);

        var difference = ModelLogits.MaxAbsDifference(bf16, reference);
        var scale = reference.Max(Math.Abs);
        var vocabulary = full.VocabularySize;
        var rows = reference.Length / vocabulary;
        var sameTop = Enumerable.Range(0, rows).Count(r => ArgMax(reference, r, vocabulary) == ArgMax(bf16, r, vocabulary));
        output.WriteLine($"{name}: bf16 vs fp32 max |Δlogit| = {difference:F4} (max |logit| {scale:F2}, relative {difference / scale:P2}); same argmax at {sameTop}/{rows} positions");
        Assert.True(difference <= 0.05 * scale, $"{name}: bf16 logits differ by {difference} (max |logit| {scale})");
        Assert.True(difference > 0, $"{name}: bf16 gave bit-identical logits; the dtype was not applied");
    }

    [Fact]
    public void Load_Llama3WithLegacyRopeScalingDict_GivesTheSameLogitsAsRopeParameters()
    {
        using var folder = new TempDirectory();
        var source = PeerVectors.ModelFolder("llama3_gqa_tied");
        foreach (var file in Directory.GetFiles(source))
        {
            File.Copy(file, Path.Combine(folder.Path, Path.GetFileName(file)));
        }

        // The form transformers 4.x wrote: rope_theta at the top and rope_scaling with the llama3 fields.
        var config = JsonNode.Parse(File.ReadAllText(Path.Combine(folder.Path, "config.json")))!.AsObject();
        var parameters = config["rope_parameters"]!.AsObject();
        config.Remove("rope_parameters");
        config["rope_theta"] = parameters["rope_theta"]!.GetValue<double>();
        config["rope_scaling"] = new JsonObject
        {
            ["type"] = "llama3",
            ["factor"] = parameters["factor"]!.GetValue<double>(),
            ["low_freq_factor"] = parameters["low_freq_factor"]!.GetValue<double>(),
            ["high_freq_factor"] = parameters["high_freq_factor"]!.GetValue<double>(),
            ["original_max_position_embeddings"] = parameters["original_max_position_embeddings"]!.GetValue<int>(),
        };
        File.WriteAllText(Path.Combine(folder.Path, "config.json"), config.ToJsonString());

        using var legacy = Loader.Load(folder.Path, Cpu);
        var difference = ModelLogits.MaxAbsDifference(ModelLogits.Run(legacy, PeerVectors.InputIds()), ModelLogits.Reference(PeerVectors.LogitsFile("llama3_gqa_tied")));

        Assert.True(difference <= 1e-4, $"legacy rope_scaling: max abs logit difference {difference}");
    }

    [Fact]
    public void Load_Llama3RopeScaling_ScalesLowFrequenciesOnly()
    {
        var config = ModelConfig.FromJson(new JsonObject
        {
            ["model_type"] = "llama",
            ["rope_theta"] = 500000.0,
            ["rope_scaling"] = new JsonObject { ["rope_type"] = "llama3", ["factor"] = 8.0, ["low_freq_factor"] = 1.0, ["high_freq_factor"] = 4.0, ["original_max_position_embeddings"] = 8192 },
        }, "config.json");
        var plain = ModelConfig.FromJson(new JsonObject { ["model_type"] = "llama", ["rope_theta"] = 500000.0 }, "config.json");

        var scaled = new RotaryEmbedding(config, 128).InverseFrequencies;
        var original = new RotaryEmbedding(plain, 128).InverseFrequencies;

        // Wavelengths under 8192/4 keep their frequency; over 8192/1 are divided by 8; between, interpolated.
        for (var i = 0; i < scaled.Count; i++)
        {
            var wavelength = 2 * Math.PI / original[i];
            var ratio = scaled[i] / original[i];
            var expected = wavelength < 2048 ? 1.0 : wavelength > 8192 ? 1.0 / 8 : (double?)null;
            if (expected is { } e)
            {
                Assert.Equal(e, ratio, 5);
            }
            else
            {
                Assert.InRange(ratio, 1.0 / 8, 1.0);
            }
        }
    }

    [Fact]
    public void Forward_Int32IdsAndBoolMask_GiveTheInt64Logits()
    {
        using var model = Loader.Load(PeerVectors.ModelFolder("gpt2"), Cpu);
        var ids = PeerVectors.InputIds();
        using var scope = TorchSharp.torch.NewDisposeScope();
        var int64 = TorchSharp.torch.tensor(ids.SelectMany(r => r).ToArray(), [2, ids[0].Length]);
        var mask = TorchSharp.torch.ones([2, ids[0].Length], TorchSharp.torch.ScalarType.Bool);

        var expected = model.Forward(int64, null);
        var actual = model.Forward(int64.to(TorchSharp.torch.ScalarType.Int32), mask);

        Assert.Equal(0f, (actual - expected).abs().max().item<float>());
    }

    private static int ArgMax(float[] values, int row, int width)
    {
        var best = row * width;
        for (var i = best + 1; i < (row + 1) * width; i++)
        {
            if (values[i] > values[best])
            {
                best = i;
            }
        }

        return best - (row * width);
    }
}
