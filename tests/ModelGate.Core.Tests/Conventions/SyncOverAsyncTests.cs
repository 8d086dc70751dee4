using System.Text.RegularExpressions;
using ModelGate.Testing;

namespace ModelGate.Core.Tests.Conventions;

/// <summary>
/// Nothing in src/ blocks a thread on a task (issue #16): a blocked thread-pool thread under CI's load starves the
/// very continuations it waits for, and Ctrl+C cannot reach a thread stuck in a synchronous wait. The scan reads
/// text, so it cannot see types: <c>.Result</c> counts when its receiver is a call or a variable named like a task,
/// which leaves alone the records and sinks that merely have a property called Result.
/// </summary>
public sealed partial class SyncOverAsyncTests
{
    [Theory]
    [InlineData("var x = RunAsync(request).GetAwaiter().GetResult();", true)]
    [InlineData("reader.GetAwaiter().GetResult();", true)]
    [InlineData("var x = runner.RunAsync(request, ct).Result;", true)]
    [InlineData("var x = readTask.Result;", true)]
    [InlineData("scanning.Wait();", true)]
    [InlineData("scanning.Wait(TimeSpan.FromSeconds(1));", true)]
    [InlineData("Task.WaitAll(first, second);", true)]
    [InlineData("var written = publisher.Result;", false)]
    [InlineData("if (promotionSink?.Result is { } promoted)", false)]
    [InlineData("await gate.WaitAsync(token);", false)]
    [InlineData("var result = await runner.RunAsync(request, ct);", false)]
    [InlineData("// never .GetAwaiter().GetResult() here", false)]
    public void Blocking_Pattern_MatchesWaitsOnTasksOnly(string line, bool blocking) =>
        Assert.Equal(blocking, IsBlocking(line));

    [Fact]
    public void Sources_UnderSrc_NeverBlockOnATask()
    {
        var separator = Path.DirectorySeparatorChar;
        var root = RepositoryPaths.Root();
        var offenders = Directory.EnumerateFiles(Path.Combine(root, "src"), "*.cs", SearchOption.AllDirectories)
            .Where(path => !path.Contains($"{separator}bin{separator}", StringComparison.Ordinal) && !path.Contains($"{separator}obj{separator}", StringComparison.Ordinal))
            .SelectMany(path => File.ReadLines(path).Select((line, index) => (Path: path, Line: line, Number: index + 1)))
            .Where(l => IsBlocking(l.Line))
            .Select(l => $"{Path.GetRelativePath(root, l.Path)}:{l.Number}: {l.Line.Trim()}")
            .Order(StringComparer.Ordinal)
            .ToList();

        Assert.True(offenders.Count == 0,
            $"{offenders.Count} place(s) block on a task; await it instead:{Environment.NewLine}{string.Join(Environment.NewLine, offenders)}");
    }

    private static bool IsBlocking(string line)
    {
        var code = line.TrimStart();
        return !code.StartsWith("//", StringComparison.Ordinal) && !code.StartsWith('*') && Blocking().IsMatch(code);
    }

    [GeneratedRegex(@"GetAwaiter\(\)\s*\.GetResult\(\)|\.Wait\(|\bTask\.Wait(All|Any)\(|(\)|\b\w*[Tt]ask)\s*\.Result\b")]
    private static partial Regex Blocking();
}
