using System.Text.Json;
using ModelGate.Core.Errors;
using ModelGate.Forgetting.Tokenizers;
using ModelGate.Testing;

namespace ModelGate.Forgetting.Tests.Tokenizers;

public sealed class TokenizerFormsTests
{
    private const int ByteBase = 3; // <0x00> is id 3
    private const int Space = 259, A = 260, C = 262, SpaceA = 263, SpaceAB = 265, BC = 266; // after the 3 specials and 256 bytes

    /// <summary>A Llama-2-style tokenizer.json: ▁ for spaces, byte fallback, "&lt;s&gt; $A" template.</summary>
    private static string SentencePieceStyle(TempDirectory dir, string[] merges, bool metaspace = false)
    {
        var vocab = new Dictionary<string, int> { ["<unk>"] = 0, ["<s>"] = 1, ["</s>"] = 2 };
        for (var b = 0; b < 256; b++)
        {
            vocab[$"<0x{b:X2}>"] = ByteBase + b;
        }

        foreach (var piece in new[] { "▁", "a", "b", "c", "▁a", "ab", "▁ab", "bc" })
        {
            vocab[piece] = vocab.Count;
        }

        object normalizer = new { type = "Sequence", normalizers = new object[] { new { type = "Prepend", prepend = "▁" }, new { type = "Replace", pattern = new { String = " " }, content = "▁" } } };
        object preTokenizer = new { type = "Metaspace", replacement = "▁", prepend_scheme = "first", split = false };
        var json = new Dictionary<string, object?>
        {
            ["added_tokens"] = new[] { new { id = 0, content = "<unk>", special = true }, new { id = 1, content = "<s>", special = true }, new { id = 2, content = "</s>", special = true } },
            ["normalizer"] = metaspace ? null : normalizer,
            ["pre_tokenizer"] = metaspace ? preTokenizer : null,
            ["post_processor"] = new
            {
                type = "TemplateProcessing",
                single = new object[] { new { SpecialToken = new { id = "<s>", type_id = 0 } }, new { Sequence = new { id = "A", type_id = 0 } } },
                special_tokens = new Dictionary<string, object> { ["<s>"] = new { id = "<s>", ids = new[] { 1 } } },
            },
            ["model"] = new { type = "BPE", vocab, merges, unk_token = "<unk>", byte_fallback = true, fuse_unk = true },
        };
        File.WriteAllText(dir.File("tokenizer.json"), JsonSerializer.Serialize(json));
        File.WriteAllText(dir.File("tokenizer_config.json"), """{"bos_token": "<s>", "eos_token": "</s>", "unk_token": {"content": "<unk>", "__type": "AddedToken"}}""");
        return dir.Path;
    }

    private static int Id(TextTokenizer t, string piece) => t.Encode(piece, false) is [_, var id] ? id : -1;

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public void SentencePieceStyleBpe_SpacesBecomeMetaspace_MergesByRank_BosFromTheTemplate(bool metaspacePreTokenizer)
    {
        using var dir = new TempDirectory();
        var tokenizer = TokenizerLoader.Load(SentencePieceStyle(dir, ["▁ a", "a b", "▁a b"], metaspacePreTokenizer));

        // "▁ab▁c": ▁+a (rank 0), then ▁a+b (rank 2); "▁ c" is no merge.
        Assert.Equal([SpaceAB, Space, C], tokenizer.Encode("ab c", addSpecialTokens: false));
        Assert.Equal([1, SpaceAB, Space, C], tokenizer.Encode("ab c", addSpecialTokens: true));
        Assert.Equal(1, tokenizer.Special.Bos);
        Assert.Equal(0, tokenizer.Special.Unk);
        Assert.Contains("SentencePiece-style", tokenizer.Description);
    }

    [Fact]
    public void SentencePieceStyleBpe_LowestRankedPairMergesFirst()
    {
        using var dir = new TempDirectory();
        var tokenizer = TokenizerLoader.Load(SentencePieceStyle(dir, ["b c", "a b", "▁ a"]));

        // ▁ a b c: "b c" (rank 0) before "a b" (rank 1), then "▁ a"; the result has no "ab".
        Assert.Equal([SpaceA, BC], tokenizer.Encode("abc", addSpecialTokens: false));
    }

    [Fact]
    public void SentencePieceStyleBpe_UnknownCharacters_FallBackToUtf8ByteTokens()
    {
        using var dir = new TempDirectory();
        var tokenizer = TokenizerLoader.Load(SentencePieceStyle(dir, ["▁ a"]));

        Assert.Equal([Space, ByteBase + 0xC3, ByteBase + 0xA9, A], tokenizer.Encode("éa", addSpecialTokens: false));
        Assert.Equal(ByteBase + 0x41, Id(tokenizer, "A")); // ▁ then the byte of 'A'
    }

    public static TheoryData<string, string[]> SeparateFileForms() => new()
    {
        { "gpt2", ["vocab.json", "merges.txt", "tokenizer_config.json"] },
        { "bert", ["vocab.txt", "tokenizer_config.json"] },
    };

    [Theory]
    [MemberData(nameof(SeparateFileForms))]
    public void SeparateVocabularyFiles_WithoutTokenizerJson_GiveTheSameIds(string arch, string[] files)
    {
        using var dir = new TempDirectory();
        foreach (var f in files)
        {
            File.Copy(Path.Combine(ForgettingPeerVectors.ModelFolder(arch), f), dir.File(f));
        }

        var fromFiles = TokenizerLoader.Load(dir.Path);
        var fromJson = TokenizerLoader.Load(ForgettingPeerVectors.ModelFolder(arch));
        var text = ForgettingPeerVectors.EvalText;

        Assert.DoesNotContain("tokenizer.json", fromFiles.Description);
        Assert.Equal(fromJson.Encode(text, true), fromFiles.Encode(text, true));
        Assert.Equal(fromJson.Special, fromFiles.Special);
    }

    [Fact]
    public void Load_FolderWithoutTokenizerFiles_SaysWhatItLookedFor()
    {
        using var dir = new TempDirectory();

        var error = Assert.Throws<UserInputException>(() => TokenizerLoader.Load(dir.Path));

        Assert.Contains("tokenizer.json, tokenizer.model, vocab.json + merges.txt, vocab.txt", error.Message);
    }

    [Fact]
    public void Load_UnsupportedModelType_NamesIt()
    {
        using var dir = new TempDirectory();
        File.WriteAllText(dir.File("tokenizer.json"), """{"model": {"type": "Unigram", "vocab": []}}""");

        Assert.Contains("model type 'Unigram' is not supported", Assert.Throws<UserInputException>(() => TokenizerLoader.Load(dir.Path)).Message);
    }
}
