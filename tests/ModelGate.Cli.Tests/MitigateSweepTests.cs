using System.Globalization;
using System.Text.Json;
using ModelGate.Demo;
using ModelGate.Testing;

namespace ModelGate.Cli.Tests;

/// <summary>
/// Issue #17 part 5, a repair chosen by measurement: on the trained forgetting demo, <c>mitigate --sweep</c> repairs
/// the adapter that forgets at every λ, measures each, and writes the passing λ with the least task cost.
/// </summary>
[Collection(TrainedModelsCollection.Name)]
public sealed class MitigateSweepTests(ForgettingDemoFixture fixture) : IClassFixture<ForgettingDemoFixture>
{
    /// <summary>
    /// Measured on the demo: perplexity +782 % [738, 829] as trained, +555 % [527, 586] at λ = 0.75, +518 % [492, 547]
    /// at 0.5, +689 % [655, 727] at 0.25, +1079 % at 0. A fail level of 600 blocks λ = 1 and lets some λ &lt; 1 through.
    /// </summary>
    private const double FailLevel = 600;

    private static readonly string Lambdas = "1,0.75,0.5,0.25,0";

    private ForgettingDemo Demo => fixture.Demo;

    [Fact]
    public async Task MitigateSweep_PolicyBlockingTheAdapterAsTrained_WritesThePassingLambdaWithLeastTaskCost()
    {
        using var dir = new TempDirectory();
        var policy = Policy(dir, FailLevel);

        var (code, stdout, stderr) = await Sweep(dir, policy, "--task-corpus", Demo.HeldOutCode);

        Assert.True(code == 0, stderr + stdout);
        using var json = JsonDocument.Parse(File.ReadAllText(dir.File("sweep.json")));
        var sweep = json.RootElement.GetProperty("sweep").EnumerateArray().ToArray();
        Assert.Equal([1, 0.75, 0.5, 0.25, 0], sweep.Select(p => p.GetProperty("lambda").GetDouble()));
        Assert.All(sweep, p => Assert.True(p.GetProperty("intruders").GetInt32() >= 0));
        var table = sweep.Select(p => (
            Lambda: p.GetProperty("lambda").GetDouble(),
            // The gate FAILs a forgetting rule only when the whole interval is above the fail level.
            Passes: Perplexity(p).GetProperty("ciLow").GetDouble() <= FailLevel,
            Cost: p.GetProperty("taskCost").GetDouble())).ToArray();
        Assert.False(table[0].Passes, "the level should block the adapter as trained");
        var expected = table.Where(p => p.Passes).OrderBy(p => p.Cost).ThenByDescending(p => p.Lambda).First().Lambda;
        Assert.NotEqual(1, expected);
        Assert.Equal(expected, json.RootElement.GetProperty("chosenLambda").GetDouble());
        Assert.Equal(table.Select(p => p.Passes), sweep.Select(p => p.GetProperty("passes").GetBoolean()));
        Assert.Equal(0, table[0].Cost);
        Assert.Contains($"Chose λ = {expected.ToString(CultureInfo.InvariantCulture)} of 1, 0.75, 0.5, 0.25, 0", stdout);
        Assert.Contains("xychart-beta", File.ReadAllText(dir.File("sweep.md")));

        var (single, _, singleErr) = await CliRunner.RunAsync("mitigate", "--base", Demo.BaseModel, "--adapter", Demo.ForgettingAdapter,
            "--lambda", expected.ToString(CultureInfo.InvariantCulture), "--output", dir.File("single"), "--device", "cpu");
        Assert.True(single == 0, singleErr);
        AssertSameFiles(dir.File("single"), dir.File("chosen"));
    }

    [Fact]
    public async Task MitigateSweep_NoLambdaPasses_ExitsOneAndWritesNoAdapter()
    {
        using var dir = new TempDirectory();
        var policy = Policy(dir, 100);

        var (code, stdout, stderr) = await Sweep(dir, policy);

        Assert.True(code == 1, stderr + stdout);
        Assert.Contains("No λ of 1, 0.75, 0.5, 0.25, 0 passes the policy's forgetting rules; nothing was written.", stdout);
        Assert.False(Directory.Exists(dir.File("chosen")));
        using var json = JsonDocument.Parse(File.ReadAllText(dir.File("sweep.json")));
        Assert.Equal(JsonValueKind.Null, json.RootElement.GetProperty("chosenLambda").ValueKind);
        Assert.All(json.RootElement.GetProperty("sweep").EnumerateArray(), p => Assert.False(p.GetProperty("passes").GetBoolean()));
    }

    [Theory]
    [InlineData("--lambda", "0.5")]
    [InlineData("--dry-run", null)]
    public async Task MitigateSweep_WithASingleLambdaOption_IsBadUsage(string option, string? value)
    {
        string[] extra = value is null ? [option] : [option, value];

        var (code, _, stderr) = await CliRunner.RunAsync(["mitigate", "--base", "b", "--adapter", "a", "--sweep", "1,0", "--corpus", "c", "--output", "o", .. extra]);

        Assert.Equal(2, code);
        Assert.Equal($"error: --sweep chooses λ by measurement; {option} cannot be given with it", stderr.Trim());
    }

    private Task<(int ExitCode, string Out, string Error)> Sweep(TempDirectory dir, string policy, params string[] extra) =>
        CliRunner.RunAsync(["mitigate", "--base", Demo.BaseModel, "--adapter", Demo.ForgettingAdapter, "--sweep", Lambdas,
            "--corpus", Demo.HeldOutProse, "--policy", policy, "--output", dir.File("chosen"), "--json", dir.File("sweep.json"),
            "--report", dir.File("sweep.md"), "--device", "cpu", .. extra]);

    private static string Policy(TempDirectory dir, double fail)
    {
        var path = dir.File("policy.json");
        File.WriteAllText(path, string.Create(CultureInfo.InvariantCulture, $$"""{ "forgetting": { "perplexityIncreasePct": { "fail": {{fail}} } } }"""));
        return path;
    }

    private static JsonElement Perplexity(JsonElement point) =>
        point.GetProperty("metrics").EnumerateArray().Single(m => m.GetProperty("metric").GetString() == "perplexityIncreasePct");

    private static void AssertSameFiles(string expected, string actual)
    {
        var names = Directory.GetFiles(expected).Select(Path.GetFileName).Order(StringComparer.Ordinal).ToArray();
        Assert.Equal(names, Directory.GetFiles(actual).Select(Path.GetFileName).Order(StringComparer.Ordinal));
        foreach (var name in names)
        {
            Assert.True(File.ReadAllBytes(Path.Combine(expected, name!)).AsSpan().SequenceEqual(File.ReadAllBytes(Path.Combine(actual, name!))), name);
        }
    }
}
