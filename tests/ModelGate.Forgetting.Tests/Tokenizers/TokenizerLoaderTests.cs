using ModelGate.Forgetting.Tokenizers;
using ModelGate.Testing;

namespace ModelGate.Forgetting.Tests.Tokenizers;

public sealed class TokenizerLoaderTests
{
    public static TheoryData<string> Models() => new(PeerModels.Names());

    [Theory]
    [MemberData(nameof(Models))]
    public void Encode_EvalText_MatchesHuggingFaceTokenizersIds(string arch)
    {
        var tokenizer = TokenizerLoader.Load(ForgettingPeerVectors.ModelFolder(arch));
        var metrics = ForgettingPeerVectors.BaseMetrics(arch);
        var text = ForgettingPeerVectors.EvalText;
        if (ForgettingPeerVectors.IsMasked(arch))
        {
            // make_vectors.py: encode with special tokens, keep 64, end with SEP.
            var ids = tokenizer.Encode(text, addSpecialTokens: true).Take(63).Append(tokenizer.Special.Sep!.Value).ToArray();
            Assert.Equal(ForgettingPeerVectors.Ids(metrics), ids);
        }
        else
        {
            var ids = tokenizer.Encode(text, addSpecialTokens: false).Take(120).ToArray();
            Assert.Equal(ForgettingPeerVectors.Ids(metrics.GetProperty("noBos")), ids);
            Assert.Equal(ForgettingPeerVectors.Ids(metrics.GetProperty("bos")), ids.Take(119).Prepend(tokenizer.Special.Bos!.Value).ToArray());
        }
    }
}
