using ModelGate.Forgetting.Tokenizers;
using ModelGate.Testing;

namespace ModelGate.Forgetting.Tests.Tokenizers;

public sealed class SentencePieceModelTests
{
    [Fact]
    public void TokenizerModel_SentencePieceBpe_HighestScoringMergeFirst_AndTheLlamaDefaultBos()
    {
        using var dir = new TempDirectory();
        var pieces = new (string, float, SentencePieceModelFile.PieceType)[]
        {
            ("<unk>", 0, SentencePieceModelFile.PieceType.Unknown), ("<s>", 0, SentencePieceModelFile.PieceType.Control), ("</s>", 0, SentencePieceModelFile.PieceType.Control),
            ("▁", -0.5f, SentencePieceModelFile.PieceType.Normal), ("a", -0.6f, SentencePieceModelFile.PieceType.Normal), ("b", -0.7f, SentencePieceModelFile.PieceType.Normal),
            ("c", -0.8f, SentencePieceModelFile.PieceType.Normal), ("▁a", -1, SentencePieceModelFile.PieceType.Normal), ("ab", -2, SentencePieceModelFile.PieceType.Normal),
            ("▁ab", -3, SentencePieceModelFile.PieceType.Normal),
        };
        File.WriteAllBytes(dir.File("tokenizer.model"), SentencePieceModelFile.Bpe(pieces));

        var tokenizer = TokenizerLoader.Load(dir.Path);

        // "▁ab▁c": ▁a (score −1) before ab (−2), then ▁ab (−3).
        Assert.Equal([9, 3, 6], tokenizer.Encode("ab c", addSpecialTokens: false));
        Assert.Equal([1, 9, 3, 6], tokenizer.Encode("ab c", addSpecialTokens: true));
        Assert.Equal((1, 2, 0), (tokenizer.Special.Bos, tokenizer.Special.Eos, tokenizer.Special.Unk));
        Assert.StartsWith("tokenizer.model", tokenizer.Description);
    }
}
