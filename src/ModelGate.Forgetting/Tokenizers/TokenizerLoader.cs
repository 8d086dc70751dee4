using System.Text;
using System.Text.Json;
using System.Text.RegularExpressions;
using Microsoft.ML.Tokenizers;
using ModelGate.Core.Errors;
using ModelGate.Core.IO;

namespace ModelGate.Forgetting.Tokenizers;

/// <summary>
/// Loads a model folder's tokenizer, chosen by the files present (first match wins):
/// <list type="number">
/// <item>tokenizer.json: byte-level BPE (GPT-2, Llama 3, Qwen2, RoBERTa) through Microsoft.ML.Tokenizers' BpeTokenizer;
/// SentencePiece-style BPE with ▁ and byte fallback (Llama 2, Mistral) through our <see cref="SentencePieceBpe"/>
/// (BpeTokenizer has no byte fallback); WordPiece through BertTokenizer;</item>
/// <item>tokenizer.model: SentencePieceTokenizer (BPE or Unigram);</item>
/// <item>vocab.json + merges.txt: byte-level BPE (GPT-2's files);</item>
/// <item>vocab.txt: BertTokenizer (WordPiece).</item>
/// </list>
/// Added tokens are cut out of the text before the model sees it, as tokenizers does. Special tokens come from
/// tokenizer_config.json / special_tokens_map.json, the <c>addSpecialTokens</c> template from tokenizer.json's
/// post-processor (or add_bos_token / add_eos_token).
/// </summary>
public static class TokenizerLoader
{
    /// <summary>GPT-2's pre-tokenization pattern, the one tokenizers' ByteLevel pre-tokenizer applies with use_regex.</summary>
    internal const string Gpt2Pattern = @"'s|'t|'re|'ve|'m|'ll|'d| ?\p{L}+| ?\p{N}+| ?[^\s\p{L}\p{N}]+|\s+(?!\S)|\s+";

    public static TextTokenizer Load(string modelFolder)
    {
        if (!Directory.Exists(modelFolder))
        {
            throw new UserInputException($"{modelFolder}: model folder not found");
        }

        var config = TokenizerConfig.Read(modelFolder);
        string File(string name) => Path.Combine(modelFolder, name);
        if (System.IO.File.Exists(File("tokenizer.json")))
        {
            return FromTokenizerJson(File("tokenizer.json"), config);
        }

        if (System.IO.File.Exists(File("tokenizer.model")))
        {
            return FromSentencePieceModel(File("tokenizer.model"), config);
        }

        if (System.IO.File.Exists(File("vocab.json")) && System.IO.File.Exists(File("merges.txt")))
        {
            return FromVocabAndMerges(File("vocab.json"), File("merges.txt"), config);
        }

        if (System.IO.File.Exists(File("vocab.txt")))
        {
            return FromWordPieceVocab(File("vocab.txt"), config);
        }

        throw new UserInputException($"{modelFolder}: no tokenizer found (looked for tokenizer.json, tokenizer.model, vocab.json + merges.txt, vocab.txt)");
    }

    private static TextTokenizer FromTokenizerJson(string path, TokenizerConfig config)
    {
        using var doc = TokenizerConfig.Parse(path);
        var root = doc.RootElement;
        if (!root.TryGetProperty("model", out var model) || model.ValueKind != JsonValueKind.Object)
        {
            throw new UserInputException($"{path}: no 'model' object");
        }

        var type = model.TryGetProperty("type", out var t) ? t.GetString() : model.TryGetProperty("merges", out _) ? "BPE" : null;
        var added = AddedTokens(root);
        if (type is not ("BPE" or "WordPiece"))
        {
            var sibling = Path.Combine(Path.GetDirectoryName(path)!, "tokenizer.model");
            if (System.IO.File.Exists(sibling))
            {
                return FromSentencePieceModel(sibling, config);
            }

            throw new UserInputException($"{path}: model type '{type}' is not supported (BPE, WordPiece; a SentencePiece Unigram model loads from tokenizer.model)");
        }

        var vocab = Vocabulary(model, path);
        int? Resolve(string token) => added.FirstOrDefault(a => a.Content == token) is { } a ? a.Id : vocab.TryGetValue(token, out var id) ? id : null;

        Func<string, bool, List<int>> encodeSegment;
        string description;
        var preTokenizer = root.TryGetProperty("pre_tokenizer", out var pt) ? pt : default;
        var normalizer = root.TryGetProperty("normalizer", out var nm) ? nm : default;
        var unk = model.TryGetProperty("unk_token", out var u) && u.ValueKind == JsonValueKind.String ? u.GetString() : null;
        if (type == "WordPiece")
        {
            encodeSegment = WordPiece(vocab, normalizer, unk, path);
            description = "tokenizer.json: WordPiece (Microsoft.ML.Tokenizers BertTokenizer)";
        }
        else if (FindByteLevel(preTokenizer) is { } byteLevel)
        {
            var merges = Merges(model, path);
            var pattern = FindSplitPattern(preTokenizer) ?? (UsesRegex(byteLevel) ? Gpt2Pattern : null);
            var addPrefixSpace = byteLevel.TryGetProperty("add_prefix_space", out var aps) && aps.GetBoolean();
            encodeSegment = ByteLevelBpe(vocab, merges, pattern, addPrefixSpace, unk, path);
            description = "tokenizer.json: byte-level BPE (Microsoft.ML.Tokenizers BpeTokenizer)";
        }
        else
        {
            var merges = Merges(model, path);
            var bpe = new SentencePieceBpe(vocab, merges, unk,
                Flag(model, "byte_fallback"), Flag(model, "fuse_unk"), Flag(model, "ignore_merges"));
            var normalize = TextPipeline.Normalizer(normalizer, path);
            var split = TextPipeline.PreTokenizer(preTokenizer, path);
            encodeSegment = (text, first) =>
            {
                var ids = new List<int>();
                foreach (var piece in split(normalize(text), first))
                {
                    bpe.Encode(piece, ids);
                }

                return ids;
            };
            description = "tokenizer.json: SentencePiece-style BPE with byte fallback (ModelGate, on Microsoft.ML.Tokenizers' data model)";
        }

        var template = PostProcessor(root.TryGetProperty("post_processor", out var pp) ? pp : default, Resolve, path);
        return Build(description, WithAddedTokens(added, encodeSegment), config, Resolve, added.Where(a => a.Special).Select(a => a.Id), template);
    }

    private static TextTokenizer FromSentencePieceModel(string path, TokenizerConfig config)
    {
        SentencePieceTokenizer sp;
        try
        {
            using var stream = BoundedFile.OpenRead(path, BoundedFile.TokenizerLimit, "tokenizer file");
            sp = SentencePieceTokenizer.Create(stream, addBeginningOfSentence: false, addEndOfSentence: false);
        }
        catch (Exception e) when (e is not UserInputException and not IOException)
        {
            throw new UserInputException($"{path}: not a SentencePiece model Microsoft.ML.Tokenizers can read ({e.Message})", e);
        }

        int? Resolve(string token) => sp.Vocabulary.TryGetValue(token, out var id) ? id : null;

        // The slow Llama tokenizer's defaults: BOS added, EOS not.
        var prefix = config.AddBosToken ?? true ? new[] { sp.BeginningOfSentenceId } : [];
        var suffix = config.AddEosToken ?? false ? new[] { sp.EndOfSentenceId } : [];
        var special = new[] { sp.BeginningOfSentenceId, sp.EndOfSentenceId, sp.UnknownId };
        return Build("tokenizer.model: SentencePiece (Microsoft.ML.Tokenizers SentencePieceTokenizer)",
            text => [.. sp.EncodeToIds(text, addBeginningOfSentence: false, addEndOfSentence: false)],
            config with { }, Resolve, special, new SpecialTokenTemplate(prefix, suffix),
            new SpecialTokenIds { Bos = sp.BeginningOfSentenceId, Eos = sp.EndOfSentenceId, Unk = sp.UnknownId });
    }

    private static TextTokenizer FromVocabAndMerges(string vocabPath, string mergesPath, TokenizerConfig config)
    {
        Dictionary<string, int> vocab;
        using (var doc = TokenizerConfig.Parse(vocabPath))
        {
            vocab = Vocabulary(doc.RootElement, vocabPath);
        }

        var merges = BoundedFile.ReadLines(mergesPath, BoundedFile.TokenizerLimit, "tokenizer file")
            .Where(l => l.Length > 0 && !l.StartsWith("#version", StringComparison.Ordinal))
            .Select((l, i) => l.Split(' ') is [var a, var b] ? (a, b) : throw new UserInputException($"{mergesPath}: line {i + 1} is not two tokens separated by one space"))
            .ToList();
        var encode = ByteLevelBpe(vocab, merges, Gpt2Pattern, addPrefixSpace: false, unk: null, vocabPath);
        int? Resolve(string token) => vocab.TryGetValue(token, out var id) ? id : null;
        var specials = config.SpecialTokens.Values.Select(Resolve).OfType<int>().ToArray();
        var added = specials.Select(id => new AddedToken(vocab.First(kv => kv.Value == id).Key, id, true)).ToList();
        return Build("vocab.json + merges.txt: byte-level BPE (Microsoft.ML.Tokenizers BpeTokenizer)", WithAddedTokens(added, encode),
            config, Resolve, specials, Template(config, Resolve, defaultBos: false));
    }

    private static TextTokenizer FromWordPieceVocab(string path, TokenizerConfig config)
    {
        var vocab = BoundedFile.ReadLines(path, BoundedFile.TokenizerLimit, "tokenizer file").Select((token, id) => (token, id)).ToDictionary(p => p.token, p => p.id, StringComparer.Ordinal);
        var lower = config.DoLowerCase ?? true;
        var bert = Bert(BoundedFile.ReadAllText(path, BoundedFile.TokenizerLimit, "tokenizer file"), lower, stripAccents: lower, chinese: true, config.SpecialTokens.GetValueOrDefault("unk_token", "[UNK]"));
        int? Resolve(string token) => vocab.TryGetValue(token, out var id) ? id : null;
        var cls = Resolve(config.SpecialTokens.GetValueOrDefault("cls_token", "[CLS]"));
        var sep = Resolve(config.SpecialTokens.GetValueOrDefault("sep_token", "[SEP]"));
        var specials = config.SpecialTokens.Values.Append("[CLS]").Append("[SEP]").Append("[PAD]").Append("[MASK]").Append("[UNK]").Select(Resolve).OfType<int>().ToArray();
        var added = specials.Distinct().Select(id => new AddedToken(vocab.First(kv => kv.Value == id).Key, id, true)).ToList();
        var template = new SpecialTokenTemplate(cls is { } c ? [c] : [], sep is { } s ? [s] : []);
        return Build("vocab.txt: WordPiece (Microsoft.ML.Tokenizers BertTokenizer)",
            WithAddedTokens(added, (text, _) => [.. bert.EncodeToIds(BertWhitespace(text), addSpecialTokens: false)]), config, Resolve, specials, template);
    }

    private static TextTokenizer Build(string description, Func<string, IReadOnlyList<int>> encode, TokenizerConfig config,
        Func<string, int?> resolve, IEnumerable<int> specialIds, SpecialTokenTemplate template, SpecialTokenIds? defaults = null)
    {
        int? Role(string role, int? fallback) => config.SpecialTokens.TryGetValue(role, out var token) ? resolve(token) ?? fallback : fallback;
        var special = new SpecialTokenIds
        {
            Bos = Role("bos_token", defaults?.Bos),
            Eos = Role("eos_token", defaults?.Eos),
            Pad = Role("pad_token", defaults?.Pad),
            Mask = Role("mask_token", defaults?.Mask),
            Cls = Role("cls_token", defaults?.Cls),
            Sep = Role("sep_token", defaults?.Sep),
            Unk = Role("unk_token", defaults?.Unk),
        };

        // transformers rebuilds Llama's template from add_bos_token / add_eos_token when the config says so.
        if (config.AddBosToken is { } addBos && special.Bos is { } bos && (template.Prefix is [var p] && p == bos) != addBos)
        {
            template = template with { Prefix = addBos ? [bos, .. template.Prefix] : template.Prefix.Where(id => id != bos).ToArray() };
        }

        if (config.AddEosToken is { } addEos && special.Eos is { } eos && (template.Suffix is [var s] && s == eos) != addEos)
        {
            template = template with { Suffix = addEos ? [.. template.Suffix, eos] : template.Suffix.Where(id => id != eos).ToArray() };
        }

        return new TextTokenizer(description, encode, special, specialIds, template);
    }

    private static Func<string, IReadOnlyList<int>> WithAddedTokens(IReadOnlyList<AddedToken> added, Func<string, bool, List<int>> encodeSegment)
    {
        if (added.Count == 0)
        {
            return text => encodeSegment(text, true);
        }

        // Longest first, so "<|end|>" does not cut "<|endoftext|>" short.
        var byContent = added.GroupBy(a => a.Content, StringComparer.Ordinal).ToDictionary(g => g.Key, g => g.First().Id, StringComparer.Ordinal);
        var regex = new Regex(string.Join("|", byContent.Keys.OrderByDescending(k => k.Length).Select(Regex.Escape)), RegexOptions.CultureInvariant);
        return text =>
        {
            var ids = new List<int>();
            var first = true;
            foreach (var piece in TextPipeline.Isolate(text, regex))
            {
                if (byContent.TryGetValue(piece, out var id))
                {
                    ids.Add(id);
                }
                else
                {
                    ids.AddRange(encodeSegment(piece, first));
                }

                first = false;
            }

            return ids;
        };
    }

    private static Func<string, bool, List<int>> ByteLevelBpe(Dictionary<string, int> vocab, IReadOnlyList<(string Left, string Right)> merges,
        string? pattern, bool addPrefixSpace, string? unk, string path)
    {
        Regex? regex;
        try
        {
            regex = pattern is null ? null : new Regex(pattern, RegexOptions.CultureInvariant);
        }
        catch (ArgumentException e)
        {
            throw new UserInputException($"{path}: the pre-tokenizer pattern is not a .NET regular expression ({e.Message})", e);
        }

        var bpe = BpeTokenizer.Create(new BpeOptions(vocab)
        {
            Merges = merges.Select(m => m.Left + " " + m.Right),
            ByteLevel = true,
            PreTokenizer = regex is null ? null : new RegexPreTokenizer(regex, null),
            UnknownToken = unk is not null && vocab.ContainsKey(unk) ? unk : null,
        });
        return (text, _) =>
        {
            if (addPrefixSpace && text.Length > 0 && !char.IsWhiteSpace(text[0]))
            {
                text = " " + text;
            }

            return [.. bpe.EncodeToIds(text)];
        };
    }

    private static Func<string, bool, List<int>> WordPiece(Dictionary<string, int> vocab, JsonElement normalizer, string? unk, string path)
    {
        var ordered = vocab.OrderBy(kv => kv.Value).ToArray();
        if (ordered.Where((kv, i) => kv.Value != i).Any())
        {
            throw new UserInputException($"{path}: WordPiece vocabulary ids are not 0..{ordered.Length - 1} without gaps");
        }

        bool Option(string name, bool fallback) =>
            normalizer.ValueKind == JsonValueKind.Object && normalizer.TryGetProperty(name, out var v) && v.ValueKind is JsonValueKind.True or JsonValueKind.False ? v.GetBoolean() : fallback;
        var isBert = normalizer.ValueKind == JsonValueKind.Object && normalizer.GetProperty("type").GetString() == "BertNormalizer";
        var lower = isBert && Option("lowercase", true);
        var bert = Bert(string.Join("\n", ordered.Select(kv => kv.Key)), lower, stripAccents: Option("strip_accents", lower), chinese: Option("handle_chinese_chars", true), unk ?? "[UNK]");
        return (text, _) => [.. bert.EncodeToIds(BertWhitespace(text), addSpecialTokens: false)];
    }

    /// <summary>
    /// What tokenizers' BertNormalizer and BertPreTokenizer do that Microsoft.ML.Tokenizers' BertTokenizer does not:
    /// every whitespace character becomes a space (BertTokenizer drops \n as a control character, gluing
    /// "special\nattributes" into one word), and every punctuation character is a word of its own, ASCII symbols
    /// such as '_' included (BertTokenizer keeps "co_" whole, which becomes [UNK]).
    /// </summary>
    private static string BertWhitespace(string text)
    {
        var builder = new StringBuilder(text.Length + 16);
        foreach (var c in text)
        {
            if (char.IsWhiteSpace(c))
            {
                builder.Append(' ');
            }
            else if (IsBertPunctuation(c))
            {
                builder.Append(' ').Append(c).Append(' ');
            }
            else
            {
                builder.Append(c);
            }
        }

        return builder.ToString();
    }

    /// <summary>tokenizers' <c>is_bert_punc</c>: the ASCII symbol ranges, or any Unicode punctuation category.</summary>
    private static bool IsBertPunctuation(char c) =>
        c is >= '!' and <= '/' or >= ':' and <= '@' or >= '[' and <= '`' or >= '{' and <= '~' || char.IsPunctuation(c);

    private static BertTokenizer Bert(string vocabText, bool lower, bool stripAccents, bool chinese, string unk)
    {
        using var stream = new MemoryStream(Encoding.UTF8.GetBytes(vocabText));
        return BertTokenizer.Create(stream, new BertOptions
        {
            LowerCaseBeforeTokenization = lower,
            ApplyBasicTokenization = true,
            SplitOnSpecialTokens = false,
            IndividuallyTokenizeCjk = chinese,
            RemoveNonSpacingMarks = stripAccents,
            UnknownToken = unk,
        });
    }

    private static SpecialTokenTemplate PostProcessor(JsonElement node, Func<string, int?> resolve, string path)
    {
        if (node.ValueKind != JsonValueKind.Object)
        {
            return SpecialTokenTemplate.None;
        }

        int Id(JsonElement pair) => pair.ValueKind == JsonValueKind.Array ? pair[1].GetInt32()
            : resolve(pair.GetString() ?? "") ?? throw new UserInputException($"{path}: post_processor names unknown token '{pair}'");
        switch (node.GetProperty("type").GetString())
        {
            case "TemplateProcessing":
                var map = node.TryGetProperty("special_tokens", out var st) ? st : default;
                var prefix = new List<int>();
                var suffix = new List<int>();
                var seenSequence = false;
                foreach (var item in node.GetProperty("single").EnumerateArray())
                {
                    if (item.TryGetProperty("Sequence", out _))
                    {
                        seenSequence = true;
                        continue;
                    }

                    var name = item.GetProperty("SpecialToken").GetProperty("id").GetString()!;
                    var ids = map.ValueKind == JsonValueKind.Object && map.TryGetProperty(name, out var entry)
                        ? entry.GetProperty("ids").EnumerateArray().Select(e => e.GetInt32())
                        : [resolve(name) ?? throw new UserInputException($"{path}: post_processor names unknown token '{name}'")];
                    (seenSequence ? suffix : prefix).AddRange(ids);
                }

                return new SpecialTokenTemplate(prefix, suffix);
            case "RobertaProcessing":
            case "BertProcessing":
                return new SpecialTokenTemplate([Id(node.GetProperty("cls"))], [Id(node.GetProperty("sep"))]);
            case "Sequence":
                var parts = node.GetProperty("processors").EnumerateArray().Select(p => PostProcessor(p, resolve, path)).ToArray();
                return new SpecialTokenTemplate(parts.SelectMany(p => p.Prefix).ToArray(), parts.SelectMany(p => p.Suffix).ToArray());
            default:
                return SpecialTokenTemplate.None; // ByteLevel and others add no tokens
        }
    }

    private static SpecialTokenTemplate Template(TokenizerConfig config, Func<string, int?> resolve, bool defaultBos)
    {
        int? Role(string role) => config.SpecialTokens.TryGetValue(role, out var token) ? resolve(token) : null;
        var prefix = (config.AddBosToken ?? defaultBos) && Role("bos_token") is { } bos ? new[] { bos } : [];
        var suffix = (config.AddEosToken ?? false) && Role("eos_token") is { } eos ? new[] { eos } : [];
        return new SpecialTokenTemplate(prefix, suffix);
    }

    private static JsonElement? FindByteLevel(JsonElement node)
    {
        if (node.ValueKind != JsonValueKind.Object)
        {
            return null;
        }

        var type = node.GetProperty("type").GetString();
        return type == "ByteLevel" ? node
            : type == "Sequence" ? node.GetProperty("pretokenizers").EnumerateArray().Select(FindByteLevel).FirstOrDefault(n => n is not null)
            : null;
    }

    /// <summary>The Split regex in front of a ByteLevel(use_regex: false), as Llama 3 and Qwen2 write it.</summary>
    private static string? FindSplitPattern(JsonElement node)
    {
        if (node.ValueKind != JsonValueKind.Object || node.GetProperty("type").GetString() != "Sequence")
        {
            return null;
        }

        return node.GetProperty("pretokenizers").EnumerateArray()
            .Where(p => p.GetProperty("type").GetString() == "Split" && p.GetProperty("pattern").TryGetProperty("Regex", out _))
            .Select(p => p.GetProperty("pattern").GetProperty("Regex").GetString())
            .FirstOrDefault();
    }

    private static bool UsesRegex(JsonElement? byteLevel) =>
        byteLevel is { } b && (!b.TryGetProperty("use_regex", out var r) || r.GetBoolean());

    private static bool Flag(JsonElement model, string name) =>
        model.TryGetProperty(name, out var v) && v.ValueKind == JsonValueKind.True;

    private static Dictionary<string, int> Vocabulary(JsonElement model, string path)
    {
        var vocab = model.ValueKind == JsonValueKind.Object && model.TryGetProperty("vocab", out var v) ? v : model;
        if (vocab.ValueKind != JsonValueKind.Object)
        {
            throw new UserInputException($"{path}: 'vocab' is not an object of token → id");
        }

        var result = new Dictionary<string, int>(StringComparer.Ordinal);
        foreach (var p in vocab.EnumerateObject())
        {
            result[p.Name] = p.Value.TryGetInt32(out var id) ? id : throw new UserInputException($"{path}: vocabulary id of '{p.Name}' is not an integer");
        }

        return result;
    }

    private static List<(string Left, string Right)> Merges(JsonElement model, string path)
    {
        if (!model.TryGetProperty("merges", out var merges) || merges.ValueKind != JsonValueKind.Array)
        {
            throw new UserInputException($"{path}: BPE model has no 'merges' array");
        }

        return merges.EnumerateArray().Select((m, i) => m.ValueKind switch
        {
            JsonValueKind.String when m.GetString()!.Split(' ') is [var a, var b] => (a, b),
            JsonValueKind.Array when m.GetArrayLength() == 2 => (m[0].GetString()!, m[1].GetString()!),
            _ => throw new UserInputException($"{path}: merge {i} is neither \"a b\" nor [\"a\", \"b\"]"),
        }).ToList();
    }

    private static List<AddedToken> AddedTokens(JsonElement root) =>
        root.TryGetProperty("added_tokens", out var list) && list.ValueKind == JsonValueKind.Array
            ? list.EnumerateArray().Select(a => new AddedToken(a.GetProperty("content").GetString()!, a.GetProperty("id").GetInt32(),
                a.TryGetProperty("special", out var s) && s.GetBoolean())).ToList()
            : [];

    private sealed record AddedToken(string Content, int Id, bool Special);
}
