using System.Text.Json.Nodes;
using ModelGate.Testing;

namespace ModelGate.Demo.Tests;

public sealed class ByteLevelBpeTests
{
    [Fact]
    public void Encode_WithThePeerGpt2Vocabulary_GivesTheTokenizersLibraryIds()
    {
        var folder = PeerVectors.ModelFolder("gpt2");
        var bpe = ByteLevelBpe.Load(Path.Combine(folder, "vocab.json"), Path.Combine(folder, "merges.txt"));
        var expected = PeerVectors.Model("gpt2").GetProperty("metrics").GetProperty("noBos").GetProperty("ids").EnumerateArray().Select(v => v.GetInt32()).ToArray();

        var ids = bpe.Encode(File.ReadAllText(Path.Combine(RepositoryPaths.PeerVectors(), "eval.txt")));

        Assert.Equal(expected, ids[..expected.Length]);
    }

    [Fact]
    public void Train_OnTheDemoCorpus_IsDeterministicAndFillsTheVocabulary()
    {
        var text = DemoCorpus.Prose(1, "bpe", 20_000) + DemoCorpus.Code(1, "bpe", 10_000);

        var first = ByteLevelBpe.Train([text], 400);
        var second = ByteLevelBpe.Train([text], 400);

        Assert.Equal(400, first.Vocabulary.Count);
        Assert.Equal(first.Merges, second.Merges);
        Assert.Equal(0, first.EndOfTextId);
        // Merges compress: far fewer tokens than bytes on text of the kind it was trained on.
        Assert.True(first.Encode(text).Length < text.Length / 2, $"{first.Encode(text).Length} tokens for {text.Length} characters");
    }

    [Fact]
    public void Save_ThenLoad_EncodesTheSameAndTokenizerJsonAgreesWithVocabJson()
    {
        using var folder = new TempDirectory();
        var text = DemoCorpus.Prose(2, "bpe", 10_000);
        var trained = ByteLevelBpe.Train([text, "héllo wörld ✓"], 320);

        trained.Save(folder.Path);
        var loaded = ByteLevelBpe.Load(Path.Combine(folder.Path, "vocab.json"), Path.Combine(folder.Path, "merges.txt"));

        Assert.Equal(trained.Encode(text + " ünïcode ✓"), loaded.Encode(text + " ünïcode ✓"));
        var tokenizer = JsonNode.Parse(File.ReadAllText(Path.Combine(folder.Path, "tokenizer.json")))!;
        Assert.Equal("BPE", tokenizer["model"]!["type"]!.GetValue<string>());
        Assert.Equal(trained.Vocabulary.Count, tokenizer["model"]!["vocab"]!.AsObject().Count);
        Assert.Equal(trained.Merges.Count, tokenizer["model"]!["merges"]!.AsArray().Count);
        Assert.Equal("ByteLevel", tokenizer["pre_tokenizer"]!["type"]!.GetValue<string>());
        Assert.Equal(ByteLevelBpe.EndOfText, tokenizer["added_tokens"]![0]!["content"]!.GetValue<string>());
    }
}
