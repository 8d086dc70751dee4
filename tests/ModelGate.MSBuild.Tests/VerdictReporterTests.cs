using Microsoft.Build.Utilities;
using ModelGate.MSBuild.Verdicts;

namespace ModelGate.MSBuild.Tests;

public sealed class VerdictReporterTests
{
    [Theory]
    [InlineData("fail", "fail", "Error")]
    [InlineData("warn", "fail", "Warning")]
    [InlineData("pass", "fail", "Message")]
    [InlineData("fail", "warn", "Error")]
    [InlineData("warn", "warn", "Error")]
    [InlineData("fail", "never", "Warning")]
    [InlineData("warn", "never", "Warning")]
    [InlineData("pass", "never", "Message")]
    public void SeverityOf_RuleStatusUnderFailOn_BlocksExactlyWhatTheGateBlocks(string status, string failOn, string expected) =>
        Assert.Equal(Enum.Parse<DiagnosticSeverity>(expected), VerdictReporter.SeverityOf(status, failOn));

    [Fact]
    public void Report_FailedAndWarnedRules_AreErrorsAndWarningsWithCodeAndAdapterFile()
    {
        var engine = new RecordingBuildEngine();
        var log = new TaskLoggingHelper(engine, "RunIntruderGate");
        var verdict = new GateVerdict
        {
            SchemaVersion = 1,
            Kind = VerdictReader.Kind,
            Verdict = "fail",
            FailOn = "fail",
            ExitCode = 1,
            TotalIntruders = 6,
            Rules =
            [
                new GateRule { Id = "intruders.total", Code = "MG0001", Status = "fail", Message = "6 intruder dimensions in total, above the fail level 4" },
                new GateRule { Id = "intruders.perLayer", Code = "MG0003", Status = "warn", Target = "0", Message = "layer 0: 6 intruders, above the warn level 1" },
                new GateRule { Id = "intruders.growth", Code = "MG0004", Status = "pass", Message = "no baseline" },
            ],
        };

        new VerdictReporter(log).Report(verdict, "adapters/bot/adapter_config.json", "adapters/bot");

        var error = Assert.Single(engine.Errors);
        Assert.Equal(("MG0001", "IntruderGate", "adapters/bot/adapter_config.json", "intruders.total"), (error.Code, error.Subcategory, error.File, error.HelpKeyword));
        Assert.Equal("6 intruder dimensions in total, above the fail level 4", error.Message);
        var warning = Assert.Single(engine.Warnings);
        Assert.Equal(("MG0003", "adapters/bot/adapter_config.json"), (warning.Code, warning.File));
        Assert.Contains(engine.Messages, m => m.Message!.Contains("MG0004 intruders.growth (pass)", StringComparison.Ordinal));
        Assert.Contains(engine.Messages, m => m.Message == "intruder-gate: adapters/bot: fail (6 intruder dimensions; 1 rules failed, 1 warned; fail on fail)");
    }
}
