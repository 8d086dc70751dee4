using System.Diagnostics;
using System.Globalization;
using System.Text;
using System.Text.RegularExpressions;
using ModelGate.Core;
using ModelGate.Core.Errors;
using ModelGate.Core.Forgetting;
using ModelGate.Forgetting.Metrics.Tasks;
using ModelGate.Forgetting.Models;
using ModelGate.Forgetting.Tokenizers;

namespace ModelGate.Forgetting.Metrics;

/// <summary>
/// Runs the forgetting benchmarks on the base and then the merged model (one in memory at a time) over the same
/// tokenised data, and compares them: perplexity (sliding window) or pseudo-perplexity on a corpus, multiple-choice
/// accuracy on tasks, each difference with a paired-bootstrap interval (over token blocks when a corpus has too few
/// documents), its minimum detectable effect and, for accuracies, a paired exact McNemar test.
/// </summary>
public sealed partial class ForgettingEvaluator(LanguageModelLoader loader)
{
    /// <summary>Masked LMs pay one forward pass per token, so their default chunk is shorter.</summary>
    public const int DefaultMaskedMaxLength = 256;

    /// <summary>
    /// Reads the corpus and tasks (bad input fails here, before any model loads), then measures the base model and
    /// the base with <see cref="ForgettingRequest.Adapters"/> merged in memory.
    /// </summary>
    public async Task<ForgettingReport> EvaluateAsync(ForgettingRequest request, IProgress<WorkProgress>? progress, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(request);
        return (await EvaluateEachAsync(request, [request.Adapters], progress, cancellationToken))[0];
    }

    /// <summary>
    /// Measures the base model once, then the base with each of <paramref name="alternatives"/> merged in memory in
    /// its place of <see cref="ForgettingRequest.Adapters"/> (one in memory at a time): one report per alternative,
    /// each against the same base scores, so their deltas differ only by the merged model.
    /// </summary>
    public async Task<IReadOnlyList<ForgettingReport>> EvaluateEachAsync(ForgettingRequest request, IReadOnlyList<IReadOnlyList<string>> alternatives,
        IProgress<WorkProgress>? progress, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(request);
        ArgumentNullException.ThrowIfNull(alternatives);
        if (alternatives.Count == 0 || alternatives.Any(a => a.Count == 0))
        {
            throw new UserInputException(InputField.Adapter, "missing: forgetting compares the base with at least one adapter merged in");
        }

        var data = await ForgettingDataReader.ReadAsync(request.Corpus, request.TextColumn, request.Tasks, request.Limit, cancellationToken, request.FetchedTasks);
        var options = new LanguageModelOptions { Device = request.Device, DType = request.DType };
        _ = options.ScalarType(); // a bad dtype is reported before the data is tokenised
        return EvaluateEach(request.BaseModel, data, () => loader.Load(request.BaseModel, options),
            [.. alternatives.Select(adapters => (Func<ILanguageModel>)(() => loader.Load(request.BaseModel, options with { Adapters = adapters })))],
            request.Settings, progress, cancellationToken);
    }

    /// <summary>Measures both models on data already read; the loader decides where the models come from.</summary>
    /// <param name="tokenizerFolder">The base model folder (the merged model shares its tokenizer).</param>
    /// <param name="data">Corpora for perplexity, multiple-choice and last-word tasks for accuracy; at least one of them.</param>
    /// <param name="loadModel">false: the base model; true: the merged one. Each is disposed before the next loads.</param>
    /// <param name="settings">Window, stride, batch size and bootstrap; validated before any model loads.</param>
    /// <param name="progress">Rows scored out of both models' rows, at most once a second; or null.</param>
    /// <param name="cancellationToken">Stops the scoring; nothing is written either way.</param>
    public static ForgettingReport Evaluate(string tokenizerFolder, ForgettingData data,
        Func<bool, ILanguageModel> loadModel, ForgettingSettings settings, IProgress<WorkProgress>? progress, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(loadModel);
        return EvaluateEach(tokenizerFolder, data, () => loadModel(false), [() => loadModel(true)], settings, progress, cancellationToken)[0];
    }

    /// <summary>
    /// The base model scored once, then each merged model on the same plan; one report per merged model. Each model is
    /// disposed before the next loads.
    /// </summary>
    private static IReadOnlyList<ForgettingReport> EvaluateEach(string tokenizerFolder, ForgettingData data,
        Func<ILanguageModel> loadBase, IReadOnlyList<Func<ILanguageModel>> loadMerged, ForgettingSettings settings, IProgress<WorkProgress>? progress,
        CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(data);
        Validate(settings);
        if (data.IsEmpty)
        {
            throw new UserInputException("forgetting: nothing to measure; give a held-out corpus and/or multiple-choice tasks");
        }

        var watch = Stopwatch.StartNew();
        var tokenizer = TokenizerLoader.Load(tokenizerFolder);
        var tokenized = Tokenize(tokenizer, data);

        Plan plan;
        Scores baseScores;
        string modelType;
        var phases = loadMerged.Count + 1;
        using (var model = loadBase())
        {
            modelType = model.ModelType;
            plan = BuildPlan(tokenizer, tokenized, model, settings);
            baseScores = Score(model, plan, settings, "base", 0, phases, progress, watch, cancellationToken);
        }

        var reports = new List<ForgettingReport>();
        for (var i = 0; i < loadMerged.Count; i++)
        {
            Scores mergedScores;
            using (var model = loadMerged[i]())
            {
                if (model.Kind != plan.Kind)
                {
                    throw new UserInputException($"forgetting: the merged model is {model.Kind}, the base {plan.Kind}");
                }

                var phase = loadMerged.Count == 1 ? "merged" : string.Create(CultureInfo.InvariantCulture, $"merged {i + 1}/{loadMerged.Count}");
                mergedScores = Score(model, plan, settings, phase, (i + 1) * plan.Rows, phases, progress, watch, cancellationToken);
            }

            var metrics = Compare(plan, baseScores, mergedScores, settings);
            reports.Add(new ForgettingReport
            {
                ModelType = modelType,
                Kind = plan.Kind,
                Tokenizer = tokenizer.Description,
                MaxLength = plan.MaxLength,
                Stride = plan.Stride,
                Settings = settings,
                Datasets = plan.Datasets.Select(d => new ForgettingDataset(d.Name, d.IsTask ? "task" : "corpus", d.Units, d.Tokens)
                {
                    Resampled = d.Resampled!,
                    Task = d.Origin?.Task,
                    Split = d.Origin?.Split,
                    Revision = d.Origin?.Revision,
                }).ToArray(),
                Metrics = metrics,
                BaseThroughput = baseScores.Throughput,
                MergedThroughput = mergedScores.Throughput,
                Elapsed = watch.Elapsed,
            });
        }

        return reports;
    }

    private static void Validate(ForgettingSettings s)
    {
        if (s.BatchSize < 1)
        {
            throw new UserInputException(InputField.BatchSize, $"{s.BatchSize}: must be at least 1");
        }

        if (s.MaxLength is < 2)
        {
            throw new UserInputException(InputField.MaxLength, $"{s.MaxLength}: must be at least 2");
        }

        if (s.Stride is < 1 || (s.Stride is { } st && s.MaxLength is { } ml && st > ml))
        {
            throw new UserInputException(InputField.Stride, $"{s.Stride}: must be between 1 and the window length");
        }

        if (s.BootstrapSamples < 0)
        {
            throw new UserInputException(InputField.Bootstrap, $"{s.BootstrapSamples}: must be 0 (no intervals) or more");
        }

        if (s.Confidence is <= 0 or >= 1)
        {
            throw new UserInputException($"confidence {s.Confidence}: must be between 0 and 1");
        }
    }

    private static Tokenized Tokenize(TextTokenizer tokenizer, ForgettingData data)
    {
        var documents = data.Corpora.Select(c => c.Documents.Select((d, i) => new TokenizedDocument(
            [.. tokenizer.Encode(d, addSpecialTokens: false)], WordCount(c.CountedOn[i]), Encoding.UTF8.GetByteCount(c.CountedOn[i]))).ToArray()).ToArray();
        var taskPairs = data.Tasks.Select(t => t.Items.Select(item => item.Requests.Select(r => EncodePair(tokenizer, r.Context, r.Continuation)).ToArray()).ToArray()).ToArray();
        var lastWordPairs = data.LastWordTasks.Select(t => t.Items.Select(item => EncodePair(tokenizer, item.Context, item.Word)).ToArray()).ToArray();
        return new Tokenized(data, documents, taskPairs, lastWordPairs);
    }

    /// <summary>lm-eval's word count: <c>len(re.split(r"\s+", doc))</c>.</summary>
    internal static int WordCount(string document) => Whitespace().Split(document).Length;

    /// <summary>
    /// lm-eval's <c>_encode_pair</c> for continuation <c>" " + choice</c> (its default target delimiter): trailing
    /// whitespace of the context moves to the continuation, context + continuation is encoded whole and split at the
    /// length of the context's own encoding. An empty context is null here (the prefix token stands in for it).
    /// </summary>
    internal static (int[]? Context, int[] Continuation) EncodePair(TextTokenizer tokenizer, string context, string choice)
    {
        var continuation = " " + choice;
        var trimmed = context.TrimEnd();
        if (trimmed.Length < context.Length)
        {
            continuation = context[trimmed.Length..] + continuation;
            context = trimmed;
        }

        if (context.Length == 0)
        {
            return (null, [.. tokenizer.Encode(continuation, addSpecialTokens: false)]);
        }

        var whole = tokenizer.Encode(context + continuation, addSpecialTokens: false);
        var contextIds = tokenizer.Encode(context, addSpecialTokens: false);
        return ([.. whole.Take(contextIds.Count)], [.. whole.Skip(contextIds.Count)]);
    }

    private static Plan BuildPlan(TextTokenizer tokenizer, Tokenized data, ILanguageModel model, ForgettingSettings s)
    {
        var masked = model.Kind == LanguageModelKind.Masked;
        var limit = model.MaxPositions;
        if (s.MaxLength is { } asked && asked > limit)
        {
            throw new UserInputException(InputField.MaxLength, $"{asked}: the model ({model.ModelType}) takes at most {limit} positions");
        }

        var maxLength = s.MaxLength ?? Math.Min(limit, masked ? DefaultMaskedMaxLength : ForgettingSettings.DefaultMaxLength);
        var stride = masked ? maxLength : s.Stride ?? Math.Max(1, maxLength / 2);
        if (stride > maxLength)
        {
            throw new UserInputException(InputField.Stride, $"{stride}: larger than the window ({maxLength} tokens)");
        }

        // The block of the block bootstrap (few documents): the tokens one forward pass scores afresh. A causal window
        // scores `stride` new tokens, all read through one shared window of text, so their losses rise and fall
        // together and are kept together; a masked chunk is scored on its own (no context crosses chunks), so it is a
        // block. Longer blocks would hold more of the context's reach (up to a window) but leave too few units on the
        // small corpora this is for; adjacent blocks still share context, so the interval is, if anything, narrow.
        var maskedBudget = maxLength - tokenizer.Template.Prefix.Count - tokenizer.Template.Suffix.Count;
        var blockTokens = masked ? Math.Max(1, maskedBudget) : stride;
        var datasets = new List<PlannedDataset>();
        var prefixToken = tokenizer.Special.Bos ?? tokenizer.Special.Eos;
        for (var c = 0; c < data.Data.Corpora.Count; c++)
        {
            var corpus = data.Data.Corpora[c];
            var documents = data.Documents[c];
            var causal = new List<CausalRequest>();
            var maskedRequests = new List<MaskedRequest>();
            var owner = new List<int>();
            for (var d = 0; d < documents.Length; d++)
            {
                var ids = documents[d].Ids;
                if (masked)
                {
                    var template = tokenizer.Template;
                    var budget = maxLength - template.Prefix.Count - template.Suffix.Count;
                    if (budget < 1)
                    {
                        throw new UserInputException(InputField.MaxLength, $"{maxLength}: leaves no room for text between the special tokens");
                    }

                    for (var start = 0; start < ids.Length; start += budget)
                    {
                        var chunk = ids[start..Math.Min(ids.Length, start + budget)];
                        var tokens = template.Apply(chunk).ToArray();
                        maskedRequests.Add(new MaskedRequest(tokens, Enumerable.Range(template.Prefix.Count, chunk.Length).ToArray()));
                        owner.Add(d);
                    }
                }
                else
                {
                    // An lm-eval rolling task (wikitext) is scored as lm-eval scores it, so its perplexities are lm-eval's.
                    var tokens = s.PrependBos && prefixToken is { } p ? [p, .. ids] : ids;
                    var windows = corpus.Origin?.Task == Wikitext.TaskName && prefixToken is { } prefix
                        ? RollingWindows.Plan(ids, prefix, maxLength)
                        : SlidingWindow.Plan(tokens, maxLength, stride);
                    foreach (var window in windows)
                    {
                        causal.Add(window);
                        owner.Add(d);
                    }
                }
            }

            datasets.Add(new PlannedDataset(corpus.Name, false, documents.Length, causal, maskedRequests, owner) { Documents = documents, Origin = corpus.Origin });
        }

        var tasks = data.Data.Tasks;
        for (var t = 0; t < tasks.Count; t++)
        {
            var causal = new List<CausalRequest>();
            var maskedRequests = new List<MaskedRequest>();
            var owner = new List<int>();
            var pairs = data.TaskPairs[t];
            for (var i = 0; i < pairs.Length; i++)
            {
                foreach (var (context, continuation) in pairs[i])
                {
                    if (masked)
                    {
                        maskedRequests.Add(MaskedChoice(tokenizer.Template, context ?? [], continuation, maxLength, tasks[t].Path));
                    }
                    else
                    {
                        causal.Add(CausalChoice(context, continuation, prefixToken, maxLength, tasks[t].Path));
                    }

                    owner.Add(i);
                }
            }

            datasets.Add(new PlannedDataset(tasks[t].Name, true, pairs.Length, causal, maskedRequests, owner) { Task = tasks[t], Origin = tasks[t].Origin });
        }

        var lastWordTasks = data.Data.LastWordTasks;
        for (var t = 0; t < lastWordTasks.Count; t++)
        {
            if (masked)
            {
                // Its accuracy is whether greedy left-to-right decoding gives the word, which a masked LM does not do.
                throw new UserInputException($"{lastWordTasks[t].Name}: last-word accuracy is greedy decoding by a causal LM; {model.ModelType} is a masked LM");
            }

            var pairs = data.LastWordPairs[t];
            var causal = pairs.Select(p => CausalChoice(p.Context, p.Continuation, prefixToken, maxLength, lastWordTasks[t].Path)).ToList();
            datasets.Add(new PlannedDataset(lastWordTasks[t].Name, true, pairs.Length, causal, [], [.. Enumerable.Range(0, pairs.Length)])
            {
                LastWord = lastWordTasks[t],
                Origin = lastWordTasks[t].Origin,
            });
        }

        return new Plan(model.Kind, maxLength, stride, blockTokens, datasets) { MaskId = tokenizer.Special.Mask, PadId = tokenizer.Special.Pad };
    }

    /// <summary>lm-eval's request: the last max_length + 1 tokens of context + continuation, the continuation scored.</summary>
    private static CausalRequest CausalChoice(int[]? context, int[] continuation, int? prefixToken, int maxLength, string path)
    {
        if (continuation.Length == 0)
        {
            throw new UserInputException($"{path}: a choice encodes to no tokens");
        }

        int[] prefix = context ?? (prefixToken is { } p ? [p] : []);
        var all = prefix.Concat(continuation).ToArray();
        var tokens = all.Length > maxLength + 1 ? all[^(maxLength + 1)..] : all;
        return new CausalRequest(tokens, Math.Max(1, tokens.Length - continuation.Length));
    }

    /// <summary>The continuation's pseudo-log-likelihood with the context visible, context cut from the left to fit.</summary>
    private static MaskedRequest MaskedChoice(SpecialTokenTemplate template, int[] context, int[] continuation, int maxLength, string path)
    {
        var budget = maxLength - template.Prefix.Count - template.Suffix.Count;
        if (continuation.Length == 0 || continuation.Length > budget)
        {
            throw new UserInputException($"{path}: a choice encodes to {continuation.Length} tokens; a masked LM here takes 1 to {budget}");
        }

        var kept = context.Length + continuation.Length > budget ? context[^(budget - continuation.Length)..] : context;
        var tokens = template.Apply([.. kept, .. continuation]).ToArray();
        var first = template.Prefix.Count + kept.Length;
        return new MaskedRequest(tokens, Enumerable.Range(first, continuation.Length).ToArray());
    }

    private static Scores Score(ILanguageModel model, Plan plan, ForgettingSettings s, string phase, int offset, int phases,
        IProgress<WorkProgress>? progress, Stopwatch watch, CancellationToken ct)
    {
        var results = new List<float[][]>();
        var greedy = new List<bool[]?>();
        var throughput = ScoringThroughput.Zero;
        var done = offset;
        foreach (var dataset in plan.Datasets)
        {
            TimeSpan? last = null;
            var before = throughput;
            var report = progress is null ? null : new SynchronousProgressOf<ScoringProgress>(p =>
            {
                // One line per second at most: a CI log stays readable, a live bar stays current.
                if (p.Completed < p.Total && last is { } previous && watch.Elapsed - previous < TimeSpan.FromSeconds(1))
                {
                    return;
                }

                last = watch.Elapsed;
                var rate = before.Add(p.Throughput).TokensPerSecond;
                progress.Report(new WorkProgress(done + p.Completed, phases * plan.Rows,
                    string.Create(CultureInfo.InvariantCulture, $"{phase} · {dataset.Name} · {rate:N0} tok/s"), watch.Elapsed));
            });

            ScoringThroughput passed;
            bool[]? isGreedy = null;
            float[][] scores = plan.Kind == LanguageModelKind.Masked
                ? MaskedScorer.Score(model, dataset.Masked, MaskId(model), PadId(model), s.BatchSize, report, ct, out passed)
                : CausalScorer.Score(model, dataset.Causal, s.BatchSize, report, ct, out passed, out isGreedy);
            throughput = throughput.Add(passed);
            done += dataset.Rows;
            results.Add(scores);
            greedy.Add(isGreedy);
            dataset.Tokens = passed.Tokens;
        }

        return new Scores(results, greedy, throughput);

        int MaskId(ILanguageModel m) => plan.MaskId ?? throw new UserInputException($"{m.ModelType}: the tokenizer names no mask token, needed for pseudo-perplexity");
        int PadId(ILanguageModel m) => plan.PadId ?? 0;
    }

    private static IReadOnlyList<ForgettingMetric> Compare(Plan plan, Scores b, Scores m, ForgettingSettings s)
    {
        var metrics = new List<ForgettingMetric>();
        for (var i = 0; i < plan.Datasets.Count; i++)
        {
            var d = plan.Datasets[i];
            metrics.AddRange(d.LastWord is not null ? LastWordMetrics(d, b.PerDataset[i], b.Greedy[i]!, m.PerDataset[i], m.Greedy[i]!, s)
                : d.IsTask ? TaskMetrics(d, b.PerDataset[i], m.PerDataset[i], s)
                : CorpusMetrics(plan, d, b.PerDataset[i], m.PerDataset[i], s));
        }

        return metrics;
    }

    private static IEnumerable<ForgettingMetric> CorpusMetrics(Plan plan, PlannedDataset d, float[][] b, float[][] m, ForgettingSettings s)
    {
        var units = CorpusUnits(d, b, m, plan.BlockTokens);
        if (plan.Kind == LanguageModelKind.Masked)
        {
            yield return Row(d.Name, ForgettingMetricNames.PseudoLossIncrease, units, units.Tokens, v => v, (x, y) => y - x, s);
            yield return Row(d.Name, ForgettingMetricNames.PseudoPerplexity, units, units.Tokens, Math.Exp, (x, y) => y - x, s);
            yield break;
        }

        yield return Row(d.Name, ForgettingMetricNames.PerplexityIncreasePct, units, units.Tokens, Math.Exp, (x, y) => 100 * ((y / x) - 1), s);
        yield return Row(d.Name, ForgettingMetricNames.WordPerplexity, units, units.Words, Math.Exp, (x, y) => y - x, s);
        yield return Row(d.Name, ForgettingMetricNames.BytePerplexity, units, units.Bytes, Math.Exp, (x, y) => y - x, s);
        yield return Row(d.Name, ForgettingMetricNames.BitsPerByte, units, units.Bytes, v => v / Math.Log(2), (x, y) => y - x, s);
    }

    /// <summary>
    /// The units a corpus is resampled in: its documents, or with fewer than <see cref="ForgettingSettings.MinDocumentsToResample"/>,
    /// consecutive blocks of <paramref name="blockTokens"/> scored tokens within each document (the last one shorter),
    /// the same blocks for both models. A block's words and bytes are its document's, shared out by tokens.
    /// Documents with no scored token drop out.
    /// </summary>
    private static Units CorpusUnits(PlannedDataset d, float[][] b, float[][] m, int blockTokens)
    {
        // Per document, each scored token's log-probability in text order (its rows are its windows or chunks, in order).
        var logProbsB = Enumerable.Range(0, d.Units).Select(_ => new List<float>()).ToArray();
        var logProbsM = Enumerable.Range(0, d.Units).Select(_ => new List<float>()).ToArray();
        for (var r = 0; r < b.Length; r++)
        {
            logProbsB[d.Owner[r]].AddRange(b[r]);
            logProbsM[d.Owner[r]].AddRange(m[r]);
        }

        var kept = Enumerable.Range(0, d.Units).Where(u => logProbsB[u].Count > 0).ToArray();
        if (kept.Length == 0)
        {
            throw new UserInputException($"{d.Name}: no token could be scored (every document is a single token?)");
        }

        var inBlocks = kept.Length < ForgettingSettings.MinDocumentsToResample;
        var (nllB, nllM, tokens, words, bytes) = (new List<double>(), new List<double>(), new List<double>(), new List<double>(), new List<double>());
        foreach (var u in kept)
        {
            var count = logProbsB[u].Count;
            var size = inBlocks ? blockTokens : count;
            for (var start = 0; start < count; start += size)
            {
                var length = Math.Min(size, count - start);
                nllB.Add(-logProbsB[u].GetRange(start, length).Sum(v => (double)v));
                nllM.Add(-logProbsM[u].GetRange(start, length).Sum(v => (double)v));
                var share = (double)length / count;
                tokens.Add(length);
                words.Add(d.Documents![u].Words * share);
                bytes.Add(d.Documents[u].Bytes * share);
            }
        }

        d.Resampled = inBlocks ? new ResampledUnits(ResampledUnits.Blocks, nllB.Count, blockTokens) : new ResampledUnits(ResampledUnits.Documents, nllB.Count);
        return new Units([.. nllB], [.. nllM], [.. tokens], [.. words], [.. bytes]);
    }

    /// <summary>
    /// A ratio metric f(Σ nll / Σ weight) for both models and its paired delta, resampling the units; the minimum
    /// detectable effect from each unit's own delta, weighted by its share of the ratio.
    /// </summary>
    private static ForgettingMetric Row(string dataset, string name, Units u, double[] weight, Func<double, double> f,
        Func<double, double, double> delta, ForgettingSettings s)
    {
        double Value(double[] nll, int[] counts)
        {
            double num = 0, den = 0;
            for (var i = 0; i < counts.Length; i++)
            {
                num += counts[i] * nll[i];
                den += counts[i] * weight[i];
            }

            return f(num / den);
        }

        var all = Enumerable.Repeat(1, u.Base.Length).ToArray();
        var (vb, vm) = (Value(u.Base, all), Value(u.Merged, all));
        var ci = PairedBootstrap.Interval(u.Base.Length, c => delta(Value(u.Base, c), Value(u.Merged, c)), s.BootstrapSamples, s.Seed, s.Confidence);
        var perUnit = Enumerable.Range(0, u.Base.Length).Select(i => delta(f(u.Base[i] / weight[i]), f(u.Merged[i] / weight[i]))).ToArray();
        return new ForgettingMetric(dataset, name, vb, vm, delta(vb, vm), ci.Low, ci.High)
        {
            IntervalUnavailable = ci.Unavailable,
            MinimumDetectableEffect = DetectableEffect.Minimum(perUnit, weight),
        };
    }

    private static IEnumerable<ForgettingMetric> TaskMetrics(PlannedDataset d, float[][] b, float[][] m, ForgettingSettings s)
    {
        var items = d.Task!.Items;
        d.Resampled = new ResampledUnits(ResampledUnits.Items, items.Count);
        var (accB, normB) = Correct(items, d, b);
        var (accM, normM) = Correct(items, d, m);
        yield return Accuracy(d.Name, ForgettingMetricNames.AccuracyDropPts, accB, accM, s);
        yield return Accuracy(d.Name, ForgettingMetricNames.AccuracyNormDropPts, normB, normM, s);
    }

    /// <summary>
    /// lm-eval's <c>loglikelihood</c> metrics (lm_eval/api/task.py <c>process_results</c>, lm_eval/api/metrics.py):
    /// <c>acc</c> = is_greedy of the word, <c>perplexity</c> = exp(−mean of the words' log-likelihoods) over the items.
    /// </summary>
    private static IEnumerable<ForgettingMetric> LastWordMetrics(PlannedDataset d, float[][] b, bool[] greedyB, float[][] m, bool[] greedyM, ForgettingSettings s)
    {
        d.Resampled = new ResampledUnits(ResampledUnits.Items, d.Units);
        yield return Accuracy(d.Name, ForgettingMetricNames.AccuracyDropPts, [.. greedyB.Select(g => g ? 1.0 : 0)], [.. greedyM.Select(g => g ? 1.0 : 0)], s);
        var ones = Enumerable.Repeat(1.0, d.Units).ToArray();
        var units = new Units([.. b.Select(r => -r.Sum(v => (double)v))], [.. m.Select(r => -r.Sum(v => (double)v))], ones, ones, ones);
        yield return Row(d.Name, ForgettingMetricNames.Perplexity, units, ones, Math.Exp, (x, y) => y - x, s);
    }

    /// <summary>
    /// lm-eval's multiple-choice scoring: <c>acc</c> = argmax of the continuations' log-likelihoods,
    /// <c>acc_norm</c> = argmax of log-likelihood / character length of the choice (first maximum on ties, as np.argmax).
    /// </summary>
    internal static (double[] Acc, double[] AccNorm) Correct(IReadOnlyList<MultipleChoiceItem> items, PlannedDataset d, float[][] scores)
    {
        var acc = new double[items.Count];
        var norm = new double[items.Count];
        var r = 0;
        for (var i = 0; i < items.Count; i++)
        {
            var choices = items[i].Choices;
            var ll = new double[choices.Count];
            for (var c = 0; c < choices.Count; c++, r++)
            {
                ll[c] = scores[r].Sum(v => (double)v);
            }

            acc[i] = ArgMax(ll) == items[i].Label ? 1 : 0;
            norm[i] = ArgMax(ll.Select((v, c) => v / Math.Max(1, choices[c].Length)).ToArray()) == items[i].Label ? 1 : 0;
        }

        return (acc, norm);
    }

    private static int ArgMax(double[] values)
    {
        var best = 0;
        for (var i = 1; i < values.Length; i++)
        {
            if (values[i] > values[best])
            {
                best = i;
            }
        }

        return best;
    }

    private static ForgettingMetric Accuracy(string dataset, string name, double[] b, double[] m, ForgettingSettings s)
    {
        static double Mean(double[] x, int[] c)
        {
            double sum = 0, n = 0;
            for (var i = 0; i < x.Length; i++)
            {
                sum += c[i] * x[i];
                n += c[i];
            }

            return 100 * sum / n;
        }

        var all = Enumerable.Repeat(1, b.Length).ToArray();
        var (vb, vm) = (Mean(b, all), Mean(m, all));
        var ci = PairedBootstrap.Interval(b.Length, c => Mean(b, c) - Mean(m, c), s.BootstrapSamples, s.Seed, s.Confidence);
        return new ForgettingMetric(dataset, name, vb, vm, vb - vm, ci.Low, ci.High)
        {
            IntervalUnavailable = ci.Unavailable,
            MinimumDetectableEffect = DetectableEffect.Minimum(b.Select((right, i) => 100 * (right - m[i])).ToArray(), Enumerable.Repeat(1.0, b.Length).ToArray()),
            McNemar = McNemarTest.Of(b, m),
        };
    }

    [GeneratedRegex(@"\s+")]
    private static partial Regex Whitespace();

    internal sealed record TokenizedDocument(int[] Ids, int Words, int Bytes);

    private sealed record Tokenized(ForgettingData Data, TokenizedDocument[][] Documents, (int[]? Context, int[] Continuation)[][][] TaskPairs,
        (int[]? Context, int[] Continuation)[][] LastWordPairs);

    internal sealed record PlannedDataset(string Name, bool IsTask, int Units, List<CausalRequest> Causal, List<MaskedRequest> Masked, List<int> Owner)
    {
        public MultipleChoiceTask? Task { get; init; }

        public LastWordTask? LastWord { get; init; }

        public DatasetOrigin? Origin { get; init; }

        public TokenizedDocument[]? Documents { get; init; }

        public long Tokens { get; set; }

        /// <summary>Set when the metrics are compared: the units they resampled.</summary>
        public ResampledUnits? Resampled { get; set; }

        public int Rows => Causal.Count + Masked.Sum(r => r.Positions.Length);
    }

    private sealed record Plan(LanguageModelKind Kind, int MaxLength, int Stride, int BlockTokens, List<PlannedDataset> Datasets)
    {
        public int Rows => Datasets.Sum(d => d.Rows);

        public int? MaskId { get; init; }

        public int? PadId { get; init; }
    }

    /// <summary>One model's scores.</summary>
    /// <param name="PerDataset">Per dataset, per request, the scored tokens' log-probabilities.</param>
    /// <param name="Greedy">Per dataset, per causal request, whether every scored token is the model's argmax; null for masked LMs.</param>
    /// <param name="Throughput">Tokens through the model and the time they took.</param>
    private sealed record Scores(List<float[][]> PerDataset, List<bool[]?> Greedy, ScoringThroughput Throughput);

    /// <summary>Per resampled unit (document or block): each model's negative log-likelihood and what it is normalised by.</summary>
    private sealed record Units(double[] Base, double[] Merged, double[] Tokens, double[] Words, double[] Bytes);

    private sealed class SynchronousProgressOf<T>(Action<T> report) : IProgress<T>
    {
        public void Report(T value) => report(value);
    }
}
