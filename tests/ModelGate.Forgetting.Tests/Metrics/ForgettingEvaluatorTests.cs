using System.Text.Json;
using ModelGate.Core.Errors;
using ModelGate.Core.Forgetting;
using ModelGate.Forgetting.Metrics;
using ModelGate.Forgetting.Metrics.Tasks;
using ModelGate.Testing;

namespace ModelGate.Forgetting.Tests.Metrics;

public sealed class ForgettingEvaluatorTests
{
    private static readonly string[] Documents =
    [
        "the cat sat on the mat.",
        "a dog ran in the park, then sat.",
        "the sun is hot.\nthe sea is cold.",
        "cats and dogs sit on mats in the sun.",
        "the end.",
        "on the mat, the cat and the dog sat in the sun.",
    ];

    private static float[,] TrainedTable(double blur = 0) =>
        BigramLanguageModel.Table(CharacterTokenizerFolder.VocabularySize,
            Documents.Select(d => CharacterTokenizerFolder.Ids(d).Prepend(CharacterTokenizerFolder.Bos).ToArray()), blur);

    private static TextCorpus Corpus(TempDirectory dir)
    {
        File.WriteAllLines(dir.File("corpus.jsonl"), Documents.Select(d => JsonSerializer.Serialize(new { text = d })));
        return TextCorpus.Read(dir.File("corpus.jsonl"));
    }

    private static ForgettingReport Run(string tokenizer, TextCorpus? corpus, IReadOnlyList<MultipleChoiceTask> tasks, BigramLanguageModel b, BigramLanguageModel m, ForgettingSettings? settings = null) =>
        ForgettingEvaluator.Evaluate(tokenizer, new ForgettingData(corpus is null ? [] : [corpus], tasks, []), merged => merged ? m : b, settings ?? new ForgettingSettings { BatchSize = 4 }, null, CancellationToken.None);

    private static ForgettingMetric Metric(ForgettingReport report, string name, string? dataset = null) =>
        report.Metrics.Single(m => m.Metric == name && (dataset is null || m.Dataset == dataset));

    [Fact]
    public void Perplexity_Corpus_IsTheHandComputedBigramPerplexity_TokenWordAndByteNormalised()
    {
        using var dir = new TempDirectory();
        using var tokenizer = new CharacterTokenizerFolder();
        var model = new BigramLanguageModel(TrainedTable());
        var merged = new BigramLanguageModel(TrainedTable(blur: 0.5));

        var report = Run(tokenizer.Path, Corpus(dir), [], model, merged, new ForgettingSettings { BatchSize = 4, MaxLength = 16, Stride = 8 });

        // BOS before each document, every character scored once; a bigram model needs only the previous token,
        // so the sliding window changes nothing and the perplexity is exact.
        double Nll(BigramLanguageModel lm, string d)
        {
            var ids = CharacterTokenizerFolder.Ids(d).Prepend(CharacterTokenizerFolder.Bos).ToArray();
            return -Enumerable.Range(1, ids.Length - 1).Sum(i => lm.LogProb(ids[i - 1], ids[i]));
        }

        var tokens = Documents.Sum(d => d.Length);
        var words = Documents.Sum(d => d.Split((char[]?)null, StringSplitOptions.RemoveEmptyEntries).Length);
        var bytes = Documents.Sum(d => d.Length);
        var (nllB, nllM) = (Documents.Sum(d => Nll(model, d)), Documents.Sum(d => Nll(merged, d)));
        var ppl = Metric(report, ForgettingMetricNames.PerplexityIncreasePct);
        Assert.Equal(Math.Exp(nllB / tokens), ppl.Base, 4);
        Assert.Equal(Math.Exp(nllM / tokens), ppl.Merged, 4);
        Assert.Equal(100 * ((ppl.Merged / ppl.Base) - 1), ppl.Delta, 6);
        Assert.Equal(Math.Exp(nllB / words), Metric(report, ForgettingMetricNames.WordPerplexity).Base, 3);
        Assert.Equal(Math.Exp(nllM / bytes), Metric(report, ForgettingMetricNames.BytePerplexity).Merged, 4);
        Assert.Equal((nllM - nllB) / bytes / Math.Log(2), Metric(report, ForgettingMetricNames.BitsPerByte).Delta, 5);
        Assert.Equal(Documents.Length, report.Datasets.Single().Units);
    }

    [Fact]
    public void Perplexity_BlurredMergedModel_IncreaseIsPositiveAndItsIntervalClearsZero()
    {
        using var dir = new TempDirectory();
        using var tokenizer = new CharacterTokenizerFolder();

        var report = Run(tokenizer.Path, Corpus(dir), [], new BigramLanguageModel(TrainedTable()), new BigramLanguageModel(TrainedTable(blur: 0.6)));

        var ppl = Metric(report, ForgettingMetricNames.PerplexityIncreasePct);
        Assert.True(ppl.Delta > 10, $"increase {ppl.Delta}%");
        Assert.InRange(ppl.Delta, ppl.CiLow!.Value, ppl.CiHigh!.Value);
        Assert.True(ppl.CiLow > 0, $"interval [{ppl.CiLow}, {ppl.CiHigh}]");
    }

    [Fact]
    public void Perplexity_SameModelTwice_ZeroDeltaAndNoZeroWidthInterval()
    {
        using var dir = new TempDirectory();
        using var tokenizer = new CharacterTokenizerFolder();
        var model = new BigramLanguageModel(TrainedTable());

        var report = Run(tokenizer.Path, Corpus(dir), [], model, model);

        Assert.All(report.Metrics, m => Assert.Equal((0.0, null, null), (m.Delta, m.CiLow, m.CiHigh)));
        Assert.All(report.Metrics, m => Assert.Equal("zero width: the resampled deltas did not vary", m.IntervalUnavailable));
    }

    [Fact]
    public void Perplexity_OneDocumentCorpus_BlockBootstrapGivesAnIntervalWithWidth()
    {
        using var dir = new TempDirectory();
        using var tokenizer = new CharacterTokenizerFolder();
        var document = string.Join(" ", Documents);
        File.WriteAllText(dir.File("one.jsonl"), JsonSerializer.Serialize(new { text = document }));

        var report = Run(tokenizer.Path, TextCorpus.Read(dir.File("one.jsonl")), [], new BigramLanguageModel(TrainedTable()), new BigramLanguageModel(TrainedTable(blur: 0.6)),
            new ForgettingSettings { BatchSize = 4, MaxLength = 16, Stride = 8 });

        // One document is one unit: resampling it gave [Δ, Δ]. Its scored characters in blocks of a stride (8) do not.
        var dataset = report.Datasets.Single();
        Assert.Equal((1, new ResampledUnits(ResampledUnits.Blocks, (document.Length + 7) / 8, 8)), (dataset.Units, dataset.Resampled));
        var ppl = Metric(report, ForgettingMetricNames.PerplexityIncreasePct);
        Assert.True(ppl.CiHigh - ppl.CiLow > 1, $"interval [{ppl.CiLow}, {ppl.CiHigh}]");
        Assert.InRange(ppl.Delta, ppl.CiLow!.Value, ppl.CiHigh!.Value);
        Assert.Null(ppl.IntervalUnavailable);
        Assert.True(ppl.MinimumDetectableEffect > 0, $"MDE {ppl.MinimumDetectableEffect}");
    }

    [Fact]
    public void MultipleChoice_AccAndAccNorm_AsLmEvalDefinesThem()
    {
        using var dir = new TempDirectory();
        using var tokenizer = new CharacterTokenizerFolder();
        var model = new BigramLanguageModel(TrainedTable());
        var items = new[]
        {
            ("the cat", new[] { "sat on the mat.", "zq", "xx" }, 0),
            ("the dog ran in the", new[] { "park.", "zzzz" }, 0),
            ("the sun is", new[] { "hot.", "qj", "cold and the sea is hot and the cat sat on the mat." }, 2),
            ("on the", new[] { "mat", "qqqqqqqqqqq" }, 1),
        };
        File.WriteAllLines(dir.File("task.jsonl"), items.Select(i => JsonSerializer.Serialize(new { context = i.Item1, choices = i.Item2, label = i.Item3 })));

        var report = Run(tokenizer.Path, null, [MultipleChoiceTask.Read(dir.File("task.jsonl"))], model, model);

        // lm-eval: continuation " " + choice, scored given the context; acc_norm divides by the choice's characters.
        double Ll(string context, string choice)
        {
            var ids = CharacterTokenizerFolder.Ids(context + " " + choice);
            return Enumerable.Range(context.Length, choice.Length + 1).Sum(i => model.LogProb(ids[i - 1], ids[i]));
        }

        int ArgMax(double[] v) => Array.IndexOf(v, v.Max());
        var acc = items.Average(i => ArgMax(i.Item2.Select(c => Ll(i.Item1, c)).ToArray()) == i.Item3 ? 100.0 : 0);
        var accNorm = items.Average(i => ArgMax(i.Item2.Select(c => Ll(i.Item1, c) / c.Length).ToArray()) == i.Item3 ? 100.0 : 0);
        Assert.NotEqual(acc, accNorm); // the items are built so that length normalisation changes the answer
        Assert.Equal(acc, Metric(report, ForgettingMetricNames.AccuracyDropPts).Base, 9);
        Assert.Equal(accNorm, Metric(report, ForgettingMetricNames.AccuracyNormDropPts).Merged, 9);
    }

    [Fact]
    public void PseudoPerplexity_MaskedModel_ExcludesTheSpecialTokens()
    {
        using var dir = new TempDirectory();
        using var tokenizer = new CharacterTokenizerFolder(masked: true);
        var model = new BigramLanguageModel(TrainedTable(), LanguageModelKind.Masked, maxPositions: 32, maskId: CharacterTokenizerFolder.Mask);
        var merged = new BigramLanguageModel(TrainedTable(blur: 0.5), LanguageModelKind.Masked, maxPositions: 32, maskId: CharacterTokenizerFolder.Mask);

        var report = Run(tokenizer.Path, Corpus(dir), [], model, merged, new ForgettingSettings { BatchSize = 16, MaxLength = 12 });

        // Chunks of 10 characters wrapped in <s> ... </s>; each character masked in turn, predicted from its left neighbour.
        double Pll(BigramLanguageModel lm) => Documents.Sum(d =>
        {
            var ids = CharacterTokenizerFolder.Ids(d);
            return ids.Select((id, i) => lm.LogProb(i % 10 == 0 ? CharacterTokenizerFolder.Bos : ids[i - 1], id)).Sum();
        });
        var n = Documents.Sum(d => d.Length);
        var loss = Metric(report, ForgettingMetricNames.PseudoLossIncrease);
        Assert.Equal(-Pll(model) / n, loss.Base, 5);
        Assert.Equal(-Pll(merged) / n, loss.Merged, 5);
        Assert.Equal(Math.Exp(loss.Merged), Metric(report, ForgettingMetricNames.PseudoPerplexity).Merged, 4);
    }

    [Fact]
    public void Inputs_BadFiles_OneLineErrorsNamingFileAndLine()
    {
        using var dir = new TempDirectory();
        File.WriteAllText(dir.File("bad.jsonl"), "{\"text\": \"fine\"}\n{\"text\": oops}\n");
        File.WriteAllText(dir.File("empty.txt"), "\n  \n\n");
        File.WriteAllText(dir.File("label.jsonl"), "{\"context\": \"a\", \"choices\": [\"b\", \"c\"], \"label\": 0}\n{\"query\": \"a\", \"choices\": [\"b\", \"c\"], \"gold\": 2}\n");
        File.WriteAllText(dir.File("notext.jsonl"), "{\"content\": \"x\"}\n");

        Assert.StartsWith($"{dir.File("bad.jsonl")}:2: not valid JSON", Assert.Throws<UserInputException>(() => TextCorpus.Read(dir.File("bad.jsonl"))).Message);
        Assert.Contains("corpus is empty", Assert.Throws<UserInputException>(() => TextCorpus.Read(dir.File("empty.txt"))).Message);
        Assert.Equal($"{dir.File("label.jsonl")}:2: label 2 is out of range for 2 choices (0..1)", Assert.Throws<UserInputException>(() => MultipleChoiceTask.Read(dir.File("label.jsonl"))).Message);
        Assert.Equal($"{dir.File("notext.jsonl")}:1: expected a \"text\" string", Assert.Throws<UserInputException>(() => TextCorpus.Read(dir.File("notext.jsonl"))).Message);
        Assert.Contains("not found", Assert.Throws<UserInputException>(() => TextCorpus.Read(dir.File("missing.txt"))).Message);
    }

    [Fact]
    public void Inputs_PlainText_ParagraphsAreDocuments_LmEvalFieldNamesAccepted()
    {
        using var dir = new TempDirectory();
        File.WriteAllText(dir.File("c.txt"), "first paragraph\nstill first\n\n\nsecond\n \nthird\n");
        File.WriteAllText(dir.File("t.jsonl"), "{\"query\": \"q\", \"choices\": [\"x\", \"y\"], \"gold\": \"y\"}\n\n{\"ctx\": \"q\", \"endings\": [\"x\", \"y\"], \"answer\": 0}\n");

        Assert.Equal(["first paragraph\nstill first", "second", "third"], TextCorpus.Read(dir.File("c.txt")).Documents);
        Assert.Equal([1, 0], MultipleChoiceTask.Read(dir.File("t.jsonl")).Items.Select(i => i.Label));
    }
}
