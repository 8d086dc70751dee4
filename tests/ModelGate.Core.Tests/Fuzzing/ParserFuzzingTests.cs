using ModelGate.Core.Errors;
using ModelGate.Demo;
using ModelGate.Testing;
using Xunit.Abstractions;

namespace ModelGate.Core.Tests.Fuzzing;

/// <summary>
/// The files a user hands the tool (safetensors, adapter_config.json, policy, baseline, corpus and task JSONL) must be
/// accepted or refused as a user error (exit 2) whatever their bytes; only our bugs may exit 3. A bounded,
/// deterministic mutation run per parser, and a replay of every input the longer runs kept (Fuzzing/corpus).
/// To fuzz longer: <c>MODELGATE_FUZZ_SECONDS=600 MODELGATE_FUZZ_SAVE=1 dotnet test tests/ModelGate.Core.Tests
/// --filter "FullyQualifiedName~ParserFuzzingTests.Fuzz"</c>.
/// </summary>
public sealed class ParserFuzzingTests(ITestOutputHelper output) : IDisposable
{
    /// <summary>Sized so that all targets together take well under a minute on a 2-core CI machine.</summary>
    private const int IterationsPerTarget = 2000;

    private readonly TempDirectory temp = new();

    public static TheoryData<string> Targets => [.. FuzzTargets.All.Select(t => t.Name)];

    public void Dispose() => temp.Dispose();

    [Theory]
    [MemberData(nameof(Targets))]
    public async Task Fuzz_SeededMutationsOfValidFiles_AreAcceptedOrRejectedAsUserErrors(string name)
    {
        var target = FuzzTargets.Named(name);
        var fuzzer = new Fuzzer(target, FuzzSettings.FromEnvironment(IterationsPerTarget), temp.Path, Fuzzer.CommittedCorpus(target));

        var report = await fuzzer.RunAsync();

        output.WriteLine(report.ToString());
        Assert.True(report.Crashes.Count == 0, report.ToString());
        Assert.True(report.Rejected > 0 && report.Accepted > 0, $"the mutants should both pass and fail the parser; {report}");
    }

    [Theory]
    [MemberData(nameof(Targets))]
    public async Task Corpus_EveryKeptInput_IsAcceptedOrRejectedAsAUserError(string name)
    {
        var target = FuzzTargets.Named(name);
        var files = Fuzzer.CorpusFiles(Fuzzer.CommittedCorpus(target), target);
        var fuzzer = new Fuzzer(target, FuzzSettings.FromEnvironment(0), temp.Path, temp.File("unused"));

        var failures = new List<string>();
        foreach (var file in files)
        {
            var outcome = await fuzzer.ExecuteAsync(await File.ReadAllBytesAsync(file));
            if (outcome.Verdict == FuzzVerdict.Crash)
            {
                failures.Add($"{Path.GetFileName(file)}: {outcome.Signature}{Environment.NewLine}{outcome.Detail}");
            }
        }

        Assert.NotEmpty(files);
        Assert.True(failures.Count == 0, string.Join(Environment.NewLine, failures));
    }

    [Theory]
    [MemberData(nameof(Targets))]
    public async Task Seeds_AreValidFiles_SoMutantsStartFromWhatRealToolsWrite(string name)
    {
        var target = FuzzTargets.Named(name);
        var fuzzer = new Fuzzer(target, FuzzSettings.FromEnvironment(0), temp.Path, temp.File("unused"));

        foreach (var seed in target.Seeds)
        {
            var outcome = await fuzzer.ExecuteAsync(seed);
            Assert.True(outcome.Verdict == FuzzVerdict.Accepted, outcome.Detail);
        }
    }

    [Fact]
    public async Task Oracle_ParserThatThrowsABugException_IsACrash_AndItsMinimizedInputIsSaved()
    {
        var target = new FuzzTarget("selftest", "input.json", [[(byte)'{', (byte)'}']], path =>
        {
            if (File.ReadAllText(path).Contains('['))
            {
                throw new InvalidOperationException("a bug");
            }
        });
        var corpus = temp.File("corpus");

        var report = await new Fuzzer(target, new FuzzSettings(1, 500, null, false), temp.Path, corpus).RunAsync();

        var crash = Assert.Single(report.Crashes);
        Assert.StartsWith("InvalidOperationException at ", crash.Outcome.Signature);
        Assert.Equal("[", File.ReadAllText(crash.SavedInput));
        Assert.Equal(corpus, Path.GetDirectoryName(crash.SavedInput));
    }

    [Theory]
    [InlineData("names no file", "unnamed file: names no file")]
    [InlineData("allocates", "memory")]
    [InlineData("hangs", "hang")]
    public async Task Oracle_UserErrorWithoutTheFile_AllocationBlowUpAndHang_AreCrashes(string behaviour, string signature)
    {
        using var release = new ManualResetEventSlim();
        var target = new FuzzTarget("selftest", "input.txt", [], path =>
        {
            switch (behaviour)
            {
                case "names no file":
                    throw new UserInputException("names no file");
                case "allocates":
                    GC.KeepAlive(new byte[100 << 20]);
                    break;
                default:
                    release.Wait();
                    break;
            }
        });
        var settings = new FuzzSettings(1, 0, null, false) { InputTimeLimit = TimeSpan.FromMilliseconds(200) };

        var outcome = await new Fuzzer(target, settings, temp.Path, temp.File("unused")).ExecuteAsync([1]);

        release.Set();
        Assert.Equal((FuzzVerdict.Crash, signature), (outcome.Verdict, outcome.Signature));
    }

    [Fact]
    public void Mutator_SameSeed_MakesTheSameMutants()
    {
        var target = FuzzTargets.Policy;
        byte[][] Mutants()
        {
            var random = new DeterministicRandom(42);
            var mutator = new Mutator(["key"], 1 << 16);
            return [.. Enumerable.Range(0, 200).Select(_ => target.Mutate(target.Seeds[1], random, mutator, () => target.Seeds[0]))];
        }

        var first = Mutants();
        var second = Mutants();

        Assert.Equal(first, second);
        Assert.True(first.Distinct(new ByteArrayComparer()).Count() > 150, "mutants should mostly differ from each other");
    }

    [Fact]
    public void Signature_DropsThePathQuotedTextAndNumbers_SoOnlyANewCheckCountsAsNew()
    {
        var a = Fuzzer.Signature("/tmp/x/policy.json: 'analysis.k' must be a whole number ≥ 1, got 0", "/tmp/x/policy.json");
        var b = Fuzzer.Signature("/tmp/x/policy.json: 'intruders.total' must be a whole number ≥ 1, got [1, 2]", "/tmp/x/policy.json");

        Assert.Equal("<file>: … must be a whole number ≥ #, got …", a);
        Assert.Equal(a, b);
    }

    private sealed class ByteArrayComparer : IEqualityComparer<byte[]>
    {
        public bool Equals(byte[]? x, byte[]? y) => x.AsSpan().SequenceEqual(y);

        public int GetHashCode(byte[] obj)
        {
            var hash = new HashCode();
            hash.AddBytes(obj);
            return hash.ToHashCode();
        }
    }
}
