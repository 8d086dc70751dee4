using System.Text.Json;
using ModelGate.Forgetting.Metrics;
using ModelGate.Forgetting.Tokenizers;
using ModelGate.Testing;

namespace ModelGate.Forgetting.Tests.Tokenizers;

/// <summary>
/// Every paragraph of the peer eval.txt (the documents a corpus is cut into) and every lm-eval context/continuation
/// pair of a small multiple-choice task, as HF tokenizers encode them (tests/vectors/transformers/metrics/hf_token_ids.py,
/// transformers 5.17 AutoTokenizer). The expected.json ids cover only the first 120 tokens of the text.
/// Qwen2 is left out here: transformers 5 builds Qwen2's pre-tokenizer in code from its model type and ignores the
/// plain ByteLevel one this folder's tokenizer.json declares (" 3" becomes "Ġ" + "3"); ModelGate, like the tokenizers
/// library that made expected.json, follows the file. Real Qwen2 checkpoints declare Qwen2's split in the file itself.
/// </summary>
public sealed class TokenizationAgainstTransformersTests
{
    private static readonly Lazy<JsonDocument> Vectors = new(() => JsonDocument.Parse(File.ReadAllText(
        Path.Combine(RepositoryPaths.TransformersVectors(), "metrics", "hf_token_ids.json"))));

    public static TheoryData<string> Models() => new(PeerModels.Names().Where(arch => arch != "qwen2"));

    [Theory]
    [MemberData(nameof(Models))]
    public void Encode_EveryEvalParagraph_MatchesHuggingFaceTokenizers(string arch)
    {
        var tokenizer = TokenizerLoader.Load(ForgettingPeerVectors.ModelFolder(arch));
        var documents = Vectors.Value.RootElement.GetProperty("documents").EnumerateArray().Select(d => d.GetString()!).ToArray();
        var expected = Vectors.Value.RootElement.GetProperty("models").GetProperty(arch).GetProperty("documents").EnumerateArray().ToArray();

        for (var d = 0; d < documents.Length; d++)
        {
            Assert.Equal(Ids(expected[d]), tokenizer.Encode(documents[d], addSpecialTokens: false).ToArray());
        }
    }

    [Theory]
    [MemberData(nameof(Models))]
    public void EncodePair_EveryChoice_SplitsAsLmEvaluationHarness(string arch)
    {
        var tokenizer = TokenizerLoader.Load(ForgettingPeerVectors.ModelFolder(arch));
        var items = Vectors.Value.RootElement.GetProperty("items").EnumerateArray().ToArray();
        var expected = Vectors.Value.RootElement.GetProperty("models").GetProperty(arch).GetProperty("pairs").EnumerateArray().ToArray();

        var p = 0;
        foreach (var item in items)
        {
            foreach (var choice in item.GetProperty("choices").EnumerateArray())
            {
                var (context, continuation) = ForgettingEvaluator.EncodePair(tokenizer, item.GetProperty("context").GetString()!, choice.GetString()!);
                var pair = expected[p++].EnumerateArray().ToArray();
                Assert.Equal(Ids(pair[0]), context ?? []);
                Assert.Equal(Ids(pair[1]), continuation);
            }
        }
    }

    private static int[] Ids(JsonElement array) => array.EnumerateArray().Select(e => e.GetInt32()).ToArray();
}
