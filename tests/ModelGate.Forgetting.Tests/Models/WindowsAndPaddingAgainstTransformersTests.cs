using System.Text.Json;
using System.Text.Json.Nodes;
using ModelGate.Core.Tensors;
using ModelGate.Forgetting.Models;
using ModelGate.Testing;
using ModelGate.Torch.Runtime;
using Xunit.Abstractions;

namespace ModelGate.Forgetting.Tests.Models;

/// <summary>
/// Sliding-window attention and right-padded batches against transformers 5.17 itself
/// (tests/vectors/transformers/make_vectors.py, float32 on the CPU): what the peer vectors do not cover.
/// </summary>
public sealed class WindowsAndPaddingAgainstTransformersTests(ITestOutputHelper output)
{
    private const double Tolerance = 1e-4;
    private static readonly string Folder = RepositoryPaths.TransformersVectors();
    private static readonly LanguageModelOptions Cpu = new() { Device = "cpu" };

    static WindowsAndPaddingAgainstTransformersTests() => TorchRuntime.EnsureLoaded();

    [Fact]
    public void Forward_MistralWithSlidingWindow_MatchesTransformers()
    {
        using var model = CopyWithConfig("mistral", c => c["sliding_window"] = 5);
        AssertMatches("mistral_sliding_window_5", model.Value, PeerVectors.InputIds());
    }

    [Fact]
    public void Forward_Qwen2WithSlidingWindowOnItsSecondLayer_MatchesTransformers()
    {
        using var model = CopyWithConfig("qwen2", c =>
        {
            c["use_sliding_window"] = true;
            c["sliding_window"] = 5;
            c["max_window_layers"] = 1;
            c["layer_types"] = new JsonArray("full_attention", "sliding_attention");
        });
        AssertMatches("qwen2_sliding_window_5_layer_1", model.Value, PeerVectors.InputIds());
    }

    [Theory]
    [InlineData("llama3_gqa_tied")]
    [InlineData("mistral")]
    [InlineData("qwen2")]
    [InlineData("gpt2")]
    [InlineData("bert")]
    [InlineData("roberta")]
    public void Forward_RightPaddedRowWithAttentionMask_MatchesTransformers(string name)
    {
        var meta = Metadata().GetProperty($"{name}_padded_row1");
        long[] padded = [.. meta.GetProperty("ids").EnumerateArray().Select(v => v.GetInt64())];
        long[] mask = [.. meta.GetProperty("attention_mask").EnumerateArray().Select(v => v.GetInt64())];
        var ids = PeerVectors.InputIds();
        using var model = new LanguageModelLoader().Load(PeerVectors.ModelFolder(name), Cpu);

        var logits = ModelLogits.Run(model, [ids[0], padded], [[.. ids[0].Select(_ => 1L)], mask]);

        var real = (int)mask.Sum();
        var row1 = logits[(ids[0].Length * model.VocabularySize)..((ids[0].Length + real) * model.VocabularySize)];
        var difference = ModelLogits.MaxAbsDifference(row1, Reference($"{name}_padded_row1"));
        output.WriteLine($"{name} padded: max |Δlogit| = {difference:E2}");
        Assert.True(difference <= Tolerance, $"{name}: max abs logit difference {difference}");
    }

    private void AssertMatches(string tensor, ILanguageModel model, long[][] ids)
    {
        var logits = ModelLogits.Run(model, ids);
        var difference = ModelLogits.MaxAbsDifference(logits, Reference(tensor));
        output.WriteLine($"{tensor}: max |Δlogit| = {difference:E2}");
        Assert.True(difference <= Tolerance, $"{tensor}: max abs logit difference {difference}");
    }

    private static float[] Reference(string tensor)
    {
        using var file = SafetensorsFile.Open(Path.Combine(Folder, "windows_and_padding.safetensors"));
        return file.ReadFloat32(file.Get(tensor));
    }

    private static JsonElement Metadata() =>
        JsonDocument.Parse(File.ReadAllText(Path.Combine(Folder, "windows_and_padding.json"))).RootElement;

    /// <summary>A loaded copy of a peer model whose config.json was edited; the folder goes when the model does.</summary>
    private static Owned CopyWithConfig(string name, Action<JsonObject> edit)
    {
        var folder = PeerVectors.CopyOfModel(name, edit);
        return new Owned(new LanguageModelLoader().Load(folder.Path, Cpu), folder);
    }

    private sealed record Owned(ILanguageModel Value, TempDirectory Folder) : IDisposable
    {
        public void Dispose()
        {
            Value.Dispose();
            Folder.Dispose();
        }
    }
}
