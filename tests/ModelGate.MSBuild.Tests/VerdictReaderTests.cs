using ModelGate.MSBuild.Verdicts;
using ModelGate.Testing;

namespace ModelGate.MSBuild.Tests;

public sealed class VerdictReaderTests
{
    [Fact]
    public void Read_ContractExample_ReadsVerdictAndRules()
    {
        using var dir = new TempDirectory();
        File.WriteAllText(dir.File("v.json"), """
            { "schemaVersion": 1, "kind": "modelgate.verdict", "verdict": "fail", "failOn": "fail", "exitCode": 1, "totalIntruders": 6,
              "rules": [ { "id": "intruders.total", "code": "MG0001", "status": "fail", "observed": 6, "warn": 0, "fail": 4,
                           "target": null, "message": "6 intruder dimensions in total, above the fail level 4" } ],
              "analysis": { "schemaVersion": 1 }, "baseline": null, "forgetting": [], "run": { "tool": "ModelGate 0.1.0" } }
            """);

        var verdict = VerdictReader.Read(dir.File("v.json"));

        Assert.Equal(("fail", "fail", 1, 6), (verdict.Verdict, verdict.FailOn, verdict.ExitCode, verdict.TotalIntruders));
        var rule = Assert.Single(verdict.Rules);
        Assert.Equal(("intruders.total", "MG0001", "fail", 6.0, 4.0), (rule.Id, rule.Code, rule.Status, rule.Observed, rule.Fail));
    }

    [Theory]
    [InlineData("""{ "schemaVersion": 1, "kind": "adapter" }""", "not a ModelGate verdict")]
    [InlineData("""{ "schemaVersion": 2, "kind": "modelgate.verdict" }""", "schemaVersion 2")]
    [InlineData("""{ "schemaVersion": 1, """, "not valid verdict JSON")]
    public void Read_NotAVersionOneVerdict_SaysWhatIsWrong(string json, string expected)
    {
        using var dir = new TempDirectory();
        File.WriteAllText(dir.File("v.json"), json);

        var error = Assert.Throws<InvalidDataException>(() => VerdictReader.Read(dir.File("v.json")));

        Assert.Contains(expected, error.Message);
        Assert.Contains("v.json", error.Message);
    }
}
