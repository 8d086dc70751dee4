using ModelGate.Testing.Datasets;
using System.Text.Json;
using ModelGate.Core.Errors;
using ModelGate.Core.Forgetting;
using ModelGate.Forgetting.Metrics;
using ModelGate.Forgetting.Metrics.Tasks;
using ModelGate.Testing;

namespace ModelGate.Forgetting.Tests.Metrics.Tasks;

/// <summary>The lm-eval task formats scored through the evaluator on a bigram model whose log-likelihoods a test can add up by hand.</summary>
public sealed class LmEvalScoringTests
{
    private static readonly string[] Training =
    [
        "the cat sat on the mat.", "the dog sat on the rug.", "a cat and a dog ran to the park.", "the sun is hot and the sea is cold.",
    ];

    private static BigramLanguageModel Model(double blur) => new(BigramLanguageModel.Table(CharacterTokenizerFolder.VocabularySize,
        Training.Select(d => CharacterTokenizerFolder.Ids(d).Prepend(CharacterTokenizerFolder.Bos).ToArray()), blur));

    private static ForgettingReport Run(string tokenizer, ForgettingData data, BigramLanguageModel b, BigramLanguageModel m) =>
        ForgettingEvaluator.Evaluate(tokenizer, data, merged => merged ? m : b, new ForgettingSettings { BatchSize = 3 }, null, CancellationToken.None);

    private static ForgettingMetric Metric(ForgettingReport report, string name) => report.Metrics.Single(m => m.Metric == name);

    /// <summary>log p(" " + continuation | context), every character one token.</summary>
    private static double Ll(BigramLanguageModel lm, string context, string continuation)
    {
        var ids = CharacterTokenizerFolder.Ids(context + " " + continuation);
        return Enumerable.Range(context.Length, continuation.Length + 1).Sum(i => lm.LogProb(ids[i - 1], ids[i]));
    }

    [Fact]
    public async Task Evaluate_ArcRowsThroughTheTaskFormat_SameAccAndAccNormAsTheGenericMultipleChoicePath()
    {
        using var dir = new TempDirectory();
        using var tokenizer = new CharacterTokenizerFolder();
        await ArcParquet.WriteAsync(dir.File("arc.parquet"),
        [
            ArcParquet.Row("where did the cat sit", ["on the mat.", "in the sea", "qqq"], ["A", "B", "C"], "A"),
            ArcParquet.Row("what is hot", ["the sun", "the sea is cold and the dog ran to the park."], ["1", "2"], "2"),
            ArcParquet.Row("who ran", ["a dog", "zzzz", "a cat and a dog"], ["A", "B", "C"], "C"),
        ], rowGroupSize: 2);
        var asTask = await ForgettingDataReader.ReadAsync(null, "text", [$"arc_easy={dir.File("arc.parquet")}"], null, CancellationToken.None);
        // The same prompts in our own JSONL shape: what lm-eval's arc_easy.yaml makes of each row.
        File.WriteAllLines(dir.File("generic.jsonl"), asTask.Tasks[0].Items.Select(i => JsonSerializer.Serialize(new { context = i.Context, choices = i.Choices, label = i.Label })));
        var generic = MultipleChoiceTask.Read(dir.File("generic.jsonl"));
        var (b, m) = (Model(0), Model(0.5));

        var task = Run(tokenizer.Path, asTask, b, m);
        var plain = Run(tokenizer.Path, new ForgettingData([], [generic], []), b, m);

        foreach (var name in new[] { ForgettingMetricNames.AccuracyDropPts, ForgettingMetricNames.AccuracyNormDropPts })
        {
            Assert.Equal((Metric(plain, name).Base, Metric(plain, name).Merged), (Metric(task, name).Base, Metric(task, name).Merged));
        }

        var dataset = Assert.Single(task.Datasets);
        Assert.Equal(("arc_easy", "arc_easy", "test", (string?)null, 3), (dataset.Name, dataset.Task, dataset.Split, dataset.Revision, dataset.Units));
    }

    [Fact]
    public async Task Evaluate_Winogrande_ScoresTheSharedContinuationAfterEachFilledInContext()
    {
        using var dir = new TempDirectory();
        using var tokenizer = new CharacterTokenizerFolder();
        var rows = new[]
        {
            new { sentence = "the cat sat on the _ mat.", option1 = "cat", option2 = "sea", answer = "2" },
            new { sentence = "a _ ran to the park.", option1 = "dog", option2 = "sun", answer = "1" },
            new { sentence = "the sun is _ and the sea is cold.", option1 = "cold", option2 = "hot", answer = "2" },
        };
        File.WriteAllLines(dir.File("wino.jsonl"), rows.Select(r => JsonSerializer.Serialize(r)));
        var model = Model(0);

        var report = Run(tokenizer.Path, await ForgettingDataReader.ReadAsync(null, "text", [$"winogrande={dir.File("wino.jsonl")}"], null, CancellationToken.None), model, model);

        // preprocess_winogrande.py: contexts sentence[:blank] + option, continuation sentence[blank + 1:].strip() after the delimiter.
        var expected = rows.Average(r =>
        {
            var blank = r.sentence.IndexOf('_', StringComparison.Ordinal);
            var rest = r.sentence[(blank + 1)..].Trim();
            var (one, two) = (Ll(model, r.sentence[..blank] + r.option1, rest), Ll(model, r.sentence[..blank] + r.option2, rest));
            return (two > one ? 1 : 0) == (r.answer == "1" ? 0 : 1) ? 100.0 : 0;
        });
        Assert.Equal(expected, Metric(report, ForgettingMetricNames.AccuracyDropPts).Base, 9);
    }

    [Fact]
    public async Task Evaluate_LambadaOpenAi_GreedyAccuracyAndPerplexityOfTheLastWord()
    {
        using var dir = new TempDirectory();
        using var tokenizer = new CharacterTokenizerFolder();
        string[] texts = ["the cat sat on the", "a dog ran to the", "the sea is cold.", "the sun is zq"];
        File.WriteAllLines(dir.File("lambada.jsonl"), texts.Select(t => JsonSerializer.Serialize(new { text = t })));
        var (b, m) = (Model(0), Model(0.7));

        var report = Run(tokenizer.Path, await ForgettingDataReader.ReadAsync(null, "text", [$"lambada_openai={dir.File("lambada.jsonl")}"], null, CancellationToken.None), b, m);

        // lm-eval: is_greedy = every token of " " + word is the argmax after what precedes it; perplexity = exp(−mean ll).
        bool Greedy(BigramLanguageModel lm, string context, string word)
        {
            var ids = CharacterTokenizerFolder.Ids(context + " " + word);
            return Enumerable.Range(context.Length, word.Length + 1).All(i =>
            {
                var row = Enumerable.Range(0, lm.VocabularySize).Select(j => lm.LogProb(ids[i - 1], j)).ToArray();
                return Array.IndexOf(row, row.Max()) == ids[i];
            });
        }

        var split = texts.Select(t => (Context: t[..t.LastIndexOf(' ')], Word: t[(t.LastIndexOf(' ') + 1)..])).ToArray();
        var acc = Metric(report, ForgettingMetricNames.AccuracyDropPts);
        Assert.Equal(split.Average(s => Greedy(b, s.Context, s.Word) ? 100.0 : 0), acc.Base, 9);
        Assert.Equal(split.Average(s => Greedy(m, s.Context, s.Word) ? 100.0 : 0), acc.Merged, 9);
        Assert.InRange(acc.Base, 1, 99); // some words are the greedy guess, some not
        var perplexity = Metric(report, ForgettingMetricNames.Perplexity);
        Assert.Equal(-split.Average(s => Ll(b, s.Context, s.Word)), Math.Log(perplexity.Base), 6);
        Assert.Equal(-split.Average(s => Ll(m, s.Context, s.Word)), Math.Log(perplexity.Merged), 6);
    }

    [Fact]
    public async Task Evaluate_LambadaOnAMaskedModel_RefusedAsUserInput()
    {
        using var dir = new TempDirectory();
        using var tokenizer = new CharacterTokenizerFolder(masked: true);
        File.WriteAllText(dir.File("lambada.jsonl"), "{\"text\": \"the cat sat\"}\n");
        var data = await ForgettingDataReader.ReadAsync(null, "text", [$"lambada_openai={dir.File("lambada.jsonl")}"], null, CancellationToken.None);
        var model = new BigramLanguageModel(BigramLanguageModel.Table(CharacterTokenizerFolder.VocabularySize, [[0, 5]]), LanguageModelKind.Masked, maskId: CharacterTokenizerFolder.Mask);

        var error = Assert.Throws<UserInputException>(() => Run(tokenizer.Path, data, model, model));

        Assert.StartsWith("lambada_openai: last-word accuracy is greedy decoding by a causal LM", error.Message);
    }

    [Fact]
    public async Task Evaluate_Wikitext_WordAndBytePerplexityOverTheOriginalPagesCounts()
    {
        using var dir = new TempDirectory();
        using var tokenizer = new CharacterTokenizerFolder();
        string[] pages = ["the cat sat on the mat .", "a dog ran , the sun is hot ."];
        File.WriteAllLines(dir.File("wiki.jsonl"), pages.Select(p => JsonSerializer.Serialize(new { page = p })));
        var model = Model(0);

        var report = Run(tokenizer.Path, await ForgettingDataReader.ReadAsync(null, "text", [$"wikitext={dir.File("wiki.jsonl")}"], null, CancellationToken.None), model, model);

        // Scored: the detokenized page ("mat." "ran, "), after BOS; words and bytes: the page as stored.
        var nll = pages.Select(Wikitext.Detokenize).Sum(d =>
        {
            var ids = CharacterTokenizerFolder.Ids(d).Prepend(CharacterTokenizerFolder.Bos).ToArray();
            return -Enumerable.Range(1, ids.Length - 1).Sum(i => model.LogProb(ids[i - 1], ids[i]));
        });
        // float32 log-probabilities summed by the scorer: agreement to a relative 1e-6.
        Assert.Equal(nll / pages.Sum(p => p.Split(' ').Length), Math.Log(Metric(report, ForgettingMetricNames.WordPerplexity).Base), 6);
        Assert.Equal(nll / pages.Sum(p => p.Length), Math.Log(Metric(report, ForgettingMetricNames.BytePerplexity).Base), 6);
        Assert.Equal("wikitext", Assert.Single(report.Datasets).Task);
    }

    [Fact]
    public async Task Evaluate_Wikitext_ScoredInLmEvalsRollingWindowsNotTheOverlappingOnes()
    {
        using var dir = new TempDirectory();
        using var tokenizer = new CharacterTokenizerFolder();
        string[] pages = ["the cat sat on the mat .", "a dog ran , the sun is hot ."];
        File.WriteAllLines(dir.File("wiki.jsonl"), pages.Select(p => JsonSerializer.Serialize(new { page = p })));
        var model = Model(0);
        var data = await ForgettingDataReader.ReadAsync(null, "text", [$"wikitext={dir.File("wiki.jsonl")}"], null, CancellationToken.None);

        var report = ForgettingEvaluator.Evaluate(tokenizer.Path, data, _ => model, new ForgettingSettings { BatchSize = 3, MaxLength = 4, Stride = 2 }, null, CancellationToken.None);

        // Disjoint blocks of 4 predicted tokens, each read as 4 tokens (BOS or the one token before, then 3 of the block);
        // the overlapping windows a stride of 2 gives would read about twice as many.
        var read = pages.Select(Wikitext.Detokenize).Sum(d => 4 * (long)Math.Ceiling(CharacterTokenizerFolder.Ids(d).Length / 4.0));
        Assert.Equal(read, report.BaseThroughput.Tokens);
    }
}
