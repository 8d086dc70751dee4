namespace ModelGate.MSBuild.Tests;

public sealed class ToolErrorWordingTests
{
    [Theory]
    [InlineData("--adapter adapters/bot: folder adapters/bot/x not found", "IntruderGateAdapter adapters/bot: folder adapters/bot/x not found")]
    [InlineData("--fail-on (MODELGATE_FAILON) must be one of fail, warn, never, got 'x'", "FailOn (IntruderGateFailOn) must be one of fail, warn, never, got 'x'")]
    [InlineData("--baseline v1.json: not found", "Baseline v1.json: not found")]
    public void ForProject_AFlagTheTaskWrote_IsNamedAsTheProjectSetsIt(string line, string expected) =>
        Assert.Equal(expected, ToolErrorWording.ForProject(line));

    [Theory]
    [InlineData("--k (MODELGATE_K) must be a positive integer, got 0")]
    [InlineData("--basement is not an option")]
    [InlineData("policy.json: 'analysis.k' must be a positive integer")]
    public void ForProject_AnythingElse_StaysAsTheToolWroteIt(string line) => Assert.Equal(line, ToolErrorWording.ForProject(line));
}
