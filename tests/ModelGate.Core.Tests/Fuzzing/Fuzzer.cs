using System.Diagnostics;
using System.Security.Cryptography;
using System.Text;
using System.Text.RegularExpressions;
using ModelGate.Core.Errors;
using ModelGate.Demo;
using ModelGate.Testing;

namespace ModelGate.Core.Tests.Fuzzing;

/// <summary>
/// A seeded mutation loop over one <see cref="FuzzTarget"/>. Each input is written to a file and handed to the
/// target's entry point; the oracle is the CLI's exit-code contract: the parser either accepts the input or throws
/// a <see cref="UserInputException"/> (exit 2) that names the file. Any other exception (exit 3), a hang past
/// <see cref="FuzzSettings.InputTimeLimit"/>, or allocating more than <see cref="FuzzSettings.AllocationLimit"/> is
/// a crash, and its input is written to the corpus folder so that the corpus replay keeps it as a regression.
/// Inputs that reach a message signature not seen before join the pool the next inputs are mutated from.
/// </summary>
internal sealed partial class Fuzzer(FuzzTarget target, FuzzSettings settings, string workFolder, string corpusFolder)
{
    private const int MinimizeBudget = 200;
    private const int MaxDistinctCrashes = 20;

    private readonly string inputPath = Path.Combine(workFolder, target.FileName);

    /// <summary>The committed corpus of a target, in the checkout.</summary>
    public static string CommittedCorpus(FuzzTarget target) =>
        Path.Combine(RepositoryPaths.Root(), "tests", "ModelGate.Core.Tests", "Fuzzing", "corpus", target.Name);

    public static IReadOnlyList<string> CorpusFiles(string folder, FuzzTarget target) =>
        Directory.Exists(folder)
            ? [.. Directory.EnumerateFiles(folder).Where(f => Path.GetExtension(f) == target.Extension).Order(StringComparer.Ordinal)]
            : [];

    public async Task<FuzzReport> RunAsync()
    {
        var report = new FuzzReport(target.Name, settings.Seed);
        var clock = Stopwatch.StartNew();
        var seen = new HashSet<string>(StringComparer.Ordinal);
        var pool = new List<byte[]>();
        foreach (var input in target.Seeds)
        {
            var outcome = await ExecuteAsync(input);
            seen.Add(outcome.Signature);
            pool.Add(input);
            report.Count(outcome, TimeSpan.Zero);
        }

        // Smallest first, so that when saving, the corpus keeps the smallest input of each signature and drops the rest
        // (crash inputs are regressions and always stay).
        foreach (var file in CorpusFiles(corpusFolder, target).OrderBy(f => new FileInfo(f).Length))
        {
            var input = await File.ReadAllBytesAsync(file);
            var outcome = await ExecuteAsync(input);
            report.Count(outcome, TimeSpan.Zero);
            if (seen.Add(outcome.Signature) || Path.GetFileName(file).StartsWith("crash-", StringComparison.Ordinal))
            {
                pool.Add(input);
            }
            else if (settings.SaveNewInputs)
            {
                File.Delete(file);
            }
        }

        var random = new DeterministicRandom(settings.Seed);
        var mutator = new Mutator([.. target.Dictionary, .. target.Seeds.SelectMany(DictionaryOf)], settings.MaxInputLength);
        byte[] Other() => pool[Mutator.Below(random, pool.Count)];
        for (var i = 0; settings.Duration is { } d ? clock.Elapsed < d : i < settings.Iterations; i++)
        {
            var input = target.Mutate(Other(), random, mutator, Other);
            if (input.Length > settings.MaxInputLength)
            {
                input = input[..settings.MaxInputLength];
            }

            var started = clock.Elapsed;
            var outcome = await ExecuteAsync(input);
            report.Count(outcome, clock.Elapsed - started);
            if (outcome.Verdict == FuzzVerdict.Crash)
            {
                if (report.Crashes.All(c => c.Outcome.Signature != outcome.Signature))
                {
                    report.Crashes.Add(new FuzzCrash(outcome, i, await SaveAsync(input, outcome, "crash-")));
                }

                // A hung parser still holds its thread; and past a handful of distinct crashes, fixing beats finding more.
                if (outcome.Signature == "hang" || report.Crashes.Count >= MaxDistinctCrashes)
                {
                    break;
                }

                continue;
            }

            if (seen.Add(outcome.Signature))
            {
                pool.Add(input);
                report.NewSignatures.Add(outcome.Signature);
                if (settings.SaveNewInputs)
                {
                    await SaveAsync(input, outcome, "");
                }
            }
        }

        report.Elapsed = clock.Elapsed;
        return report;
    }

    /// <summary>Runs the target on one input under the oracle.</summary>
    public async Task<FuzzOutcome> ExecuteAsync(byte[] input)
    {
        await File.WriteAllBytesAsync(inputPath, input);
        var run = Task.Run(() => MeasureAsync(inputPath));
        try
        {
            return await run.WaitAsync(settings.InputTimeLimit);
        }
        catch (TimeoutException)
        {
            return new FuzzOutcome(FuzzVerdict.Crash, "hang", $"still running after {settings.InputTimeLimit.TotalSeconds} s");
        }
    }

    private async Task<FuzzOutcome> MeasureAsync(string path)
    {
        var thread = Environment.CurrentManagedThreadId;
        var before = GC.GetAllocatedBytesForCurrentThread();
        Exception? failure = null;
        try
        {
            await target.Parse(path);
        }
        catch (Exception e)
        {
            failure = e;
        }

        // The count is per thread: an asynchronous parser that resumed elsewhere is not measured (the others never leave their thread).
        var allocated = GC.GetAllocatedBytesForCurrentThread() - before;
        if (Environment.CurrentManagedThreadId == thread && allocated > settings.AllocationLimit)
        {
            return new FuzzOutcome(FuzzVerdict.Crash, "memory", $"allocated {allocated} bytes (limit {settings.AllocationLimit})");
        }

        if (failure is null)
        {
            return new FuzzOutcome(FuzzVerdict.Accepted, "accepted", "accepted");
        }

        // The CLI looks for a user error anywhere in the chain of inner exceptions, so the oracle does too.
        for (var e = failure; e is not null; e = e.InnerException)
        {
            if (e is UserInputException user)
            {
                var signature = Signature(user.Message, path);
                return user.Message.Contains(path, StringComparison.Ordinal)
                    ? new FuzzOutcome(FuzzVerdict.Rejected, signature, user.Message)
                    : new FuzzOutcome(FuzzVerdict.Crash, "unnamed file: " + signature, user.Message);
            }
        }

        var top = new StackTrace(failure).GetFrames().Select(f => f.GetMethod()).FirstOrDefault(m => m is not null);
        return new FuzzOutcome(FuzzVerdict.Crash, $"{failure.GetType().Name} at {top?.DeclaringType?.Name}.{top?.Name}", failure.ToString());
    }

    /// <summary>
    /// A message with the path, quoted text (from the first to the last apostrophe: names are echoed unescaped, and
    /// may hold apostrophes themselves), raw JSON after "got"/"found" and numbers taken out. A JSON syntax error
    /// counts as one signature: System.Text.Json's messages echo the input, and its checks are not ours to cover.
    /// </summary>
    public static string Signature(string message, string path)
    {
        var text = message.Replace(path, "<file>", StringComparison.Ordinal);
        text = SyntaxError().Replace(text, "$1 …");
        text = Quoted().Replace(text, "…");
        text = RawValue().Replace(text, "$1 …");
        text = RawLabel().Replace(text, "label … is");
        text = JsonPath().Replace(text, "$…");
        return Digits().Replace(text, "#");
    }

    private async Task<string> SaveAsync(byte[] input, FuzzOutcome outcome, string prefix)
    {
        var smallest = await MinimizeAsync(input, outcome.Signature);
        Directory.CreateDirectory(corpusFolder);
        var name = prefix + Convert.ToHexStringLower(SHA256.HashData(smallest))[..16] + target.Extension;
        var path = Path.Combine(corpusFolder, name);
        await File.WriteAllBytesAsync(path, smallest);
        return path;
    }

    /// <summary>Drops chunks of the input while it keeps the same signature, so the corpus holds small, readable files.</summary>
    private async Task<byte[]> MinimizeAsync(byte[] input, string signature)
    {
        if (signature == "hang")
        {
            return input;
        }

        var (body, rebuild) = target.Envelope(input);
        var budget = MinimizeBudget;
        for (var chunk = Math.Max(1, body.Length / 2); chunk >= 1 && budget > 0; chunk /= 2)
        {
            for (var at = 0; at < body.Length && budget > 0; budget--)
            {
                byte[] candidate = [.. body.AsSpan(0, at), .. body.AsSpan(Math.Min(body.Length, at + chunk))];
                if ((await ExecuteAsync(rebuild(candidate))).Signature == signature)
                {
                    body = candidate;
                }
                else
                {
                    at += chunk;
                }
            }
        }

        return rebuild(body);
    }

    private static IEnumerable<string> DictionaryOf(byte[] seed) =>
        JsonTokens.Scan(seed).Where(t => t.Kind == JsonTokens.Kind.String && t.Length >= 2)
            .Select(t => Encoding.UTF8.GetString(seed, t.Start + 1, t.Length - 2))
            .Where(s => s.Length <= 64);

    [GeneratedRegex(@"""(?:[^""\\]|\\.)*""|'.*'", RegexOptions.Singleline)]
    private static partial Regex Quoted();

    [GeneratedRegex(@"(not valid JSON).*$", RegexOptions.Singleline)]
    private static partial Regex SyntaxError();

    [GeneratedRegex(@"\b(got|found) .*$", RegexOptions.Singleline)]
    private static partial Regex RawValue();

    [GeneratedRegex(@"label .* is", RegexOptions.Singleline)]
    private static partial Regex RawLabel();

    [GeneratedRegex(@"\$[^ ]*")]
    private static partial Regex JsonPath();

    [GeneratedRegex(@"[0-9]+")]
    private static partial Regex Digits();
}
