namespace ModelGate.Cli.Tests;

/// <summary>
/// <c>bench --model</c> builds gigabytes and runs for minutes, so CI checks only that bad input is refused before any of
/// that starts; the builders it uses are tested at scaled shapes in the Core tests.
/// </summary>
public sealed class BenchCommandTests
{
    [Theory]
    [InlineData("--model", "gpt-9", "--model: 'gpt-9' is not one of llama-3.2-1b, qwen2.5-0.5b, llama-3.1-8b")]
    [InlineData("--layers", "17", "--layers: llama-3.2-1b has 1 to 16 layers, got 17")]
    [InlineData("--full-svd-layers", "0", "--full-svd-layers must be at least 1, got 0")]
    [InlineData("--shards", "-1", "--shards must be 0 (as the hub) or a positive number, got -1")]
    [InlineData("--registry", "file:///tmp/x", "--registry file:///tmp/x: a folder or file:// is read in place, not streamed, and hf:// is read-only here")]
    [InlineData("--registry", "hf://org/model", "--registry hf://org/model: a folder or file:// is read in place")]
    public async Task BenchModel_BadOption_IsRefusedBeforeBuildingAnything(string option, string value, string message)
    {
        string[] args = option == "--model" ? ["bench", option, value] : ["bench", "--model", "llama-3.2-1b", option, value];

        var (code, _, stderr) = await CliRunner.RunAsync([.. args, "--folder", Path.Combine(Path.GetTempPath(), "modelgate-bench-never-" + Guid.NewGuid().ToString("N"))]);

        Assert.Equal(2, code);
        Assert.Contains("error: " + message, stderr);
    }

    [Fact]
    public async Task BenchPrecision_UnknownModel_IsRefusedBeforeGeneratingAnything()
    {
        var (code, _, stderr) = await CliRunner.RunAsync(["bench", "--precision", "--model", "gpt-9"]);

        Assert.Equal(2, code);
        Assert.Contains("error: --model: 'gpt-9' is not one of llama-3.2-1b, qwen2.5-0.5b, llama-3.1-8b or all", stderr);
    }
}
