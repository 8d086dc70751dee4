using System.Text.RegularExpressions;

namespace ModelGate.MSBuild.Tests;

/// <summary>
/// The package as a consumer uses it: a real `dotnet build` of a project that references ModelGate.MSBuild from a
/// local feed and lists adapters; the gate runs in the packaged tool and its rules come back as MSBuild diagnostics.
/// </summary>
[Trait("Category", "Integration")]
public sealed partial class MSBuildPackageTests(MSBuildPackageFixture fixture) : IClassFixture<MSBuildPackageFixture>
{
    // Over the built-in default: only the total decides (its per-module rule would also fail 3 intruders in a module).
    private const string Policy = """
        {
          "intruders": { "total": { "warn": 0, "fail": 4 }, "perModule": [] }
        }
        """;

    [Fact]
    public async Task Build_IntruderAdapter_FailsWithMG0001ErrorNamingTheAdapter()
    {
        using var sample = WithPolicy(new SampleProject(fixture, """<IntruderGateAdapter Include="adapters/intruder" Base="models/base" Policy="policy.json" />"""));

        var first = await sample.BuildAsync();
        var second = await sample.BuildAsync();

        Assert.True(first.ExitCode != 0, first.Output);
        var error = Assert.Single(ErrorLine().Matches(first.StandardOutput).Select(m => m.Value).Distinct());
        Assert.Contains(Path.Combine("adapters", "intruder", "adapter_config.json") + " : IntruderGate error MG0001: ", error);
        Assert.Contains($"{MSBuildPackageFixture.PlantedIntruders}", error);
        Assert.True(File.Exists(sample.File("obj/Debug/net10.0/intruder-gate/intruder.verdict.failed.json")), first.Output);
        Assert.False(File.Exists(sample.Verdict("intruder")));
        // A failed gate is never up to date: the next build runs it again and fails again.
        Assert.True(second.ExitCode != 0, second.Output);
        Assert.Matches(ErrorLine(), second.StandardOutput);
        Assert.DoesNotContain("Skipping target \"_IntruderGateRun\"", second.StandardOutput);
    }

    [Fact]
    public async Task Build_CleanAdapter_PassesAndTheUnchangedSecondBuildSkipsTheGate()
    {
        using var sample = WithPolicy(new SampleProject(fixture, """<IntruderGateAdapter Include="adapters/clean" Base="models/base" Policy="policy.json" />"""));

        var first = await sample.BuildAsync();
        var verdictTime = File.GetLastWriteTimeUtc(sample.Verdict("clean"));
        var second = await sample.BuildAsync();

        Assert.True(first.ExitCode == 0, first.Output);
        Assert.DoesNotContain("error MG", first.StandardOutput);
        Assert.Contains("intruder-gate: adapters/clean: pass", first.StandardOutput);
        Assert.Contains("\"verdict\": \"pass\"", File.ReadAllText(sample.Verdict("clean")));
        Assert.True(second.ExitCode == 0, second.Output);
        Assert.Contains("Skipping target \"_IntruderGateRun\" because all output files are up-to-date", second.StandardOutput);
        Assert.Equal(verdictTime, File.GetLastWriteTimeUtc(sample.Verdict("clean")));
    }

    [Fact]
    public async Task Build_PolicyEditedAfterAPass_RunsTheGateAgain()
    {
        using var sample = WithPolicy(new SampleProject(fixture, """<IntruderGateAdapter Include="adapters/intruder" Base="models/base" Policy="policy.json" />"""));
        File.WriteAllText(sample.File("policy.json"), """{ "intruders": { "total": { "warn": 0, "fail": 100 }, "perModule": [] } }""");
        var lenient = await sample.BuildAsync();

        File.WriteAllText(sample.File("policy.json"), Policy);
        var strict = await sample.BuildAsync();

        Assert.True(lenient.ExitCode == 0, lenient.Output);
        Assert.Matches(@"adapter_config\.json : IntruderGate warning MG0001: ", lenient.StandardOutput);
        Assert.True(strict.ExitCode != 0, strict.Output);
        Assert.Matches(ErrorLine(), strict.StandardOutput);
    }

    [Fact]
    public async Task Build_TwoAdapters_GatesEachAndFailsOnlyOnTheIntruderOne()
    {
        using var sample = WithPolicy(new SampleProject(
            fixture,
            """
            <IntruderGateAdapter Include="adapters/clean;adapters/intruder" />
            """,
            "<IntruderGateBase>models/base</IntruderGateBase><IntruderGatePolicy>policy.json</IntruderGatePolicy>"));

        var build = await sample.BuildAsync();

        Assert.True(build.ExitCode != 0, build.Output);
        Assert.Contains("intruder-gate: adapters/clean: pass", build.StandardOutput);
        Assert.Contains("intruder-gate: adapters/intruder: fail", build.StandardOutput);
        Assert.DoesNotMatch(@"clean[/\\]adapter_config\.json : IntruderGate error", build.StandardOutput);
    }

    [Fact]
    public async Task Build_MissingBaseFolder_IsMG0900NamingTheProblem()
    {
        using var sample = new SampleProject(fixture, """<IntruderGateAdapter Include="adapters/clean" Base="models/no-such-base" />""");

        var build = await sample.BuildAsync();

        Assert.True(build.ExitCode != 0, build.Output);
        Assert.Matches(@"IntruderGate error MG0900: the gate refused its input for adapters/clean: .*no-such-base", build.StandardOutput);
    }

    [Fact]
    public async Task Build_RunOnManual_SkipsTheGateUntilItsTargetIsAskedFor()
    {
        using var sample = WithPolicy(new SampleProject(
            fixture, """<IntruderGateAdapter Include="adapters/intruder" Base="models/base" Policy="policy.json" />""", "<IntruderGateRunOn>Manual</IntruderGateRunOn>"));

        var build = await sample.BuildAsync();
        var gate = await sample.BuildAsync("-t:IntruderGate");

        Assert.True(build.ExitCode == 0, build.Output);
        Assert.DoesNotContain("intruder-gate:", build.StandardOutput);
        Assert.True(gate.ExitCode != 0, gate.Output);
        Assert.Matches(ErrorLine(), gate.StandardOutput);
    }

    private static SampleProject WithPolicy(SampleProject sample)
    {
        File.WriteAllText(sample.File("policy.json"), Policy);
        return sample;
    }

    [GeneratedRegex(@"[^\s>]*adapter_config\.json : IntruderGate error MG0001: [^\r\n\[]*")]
    private static partial Regex ErrorLine();
}
