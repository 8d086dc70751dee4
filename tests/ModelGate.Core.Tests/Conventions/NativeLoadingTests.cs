using System.Text.RegularExpressions;
using ModelGate.Testing;

namespace ModelGate.Core.Tests.Conventions;

/// <summary>
/// TorchSharp's native library loads itself on first use through one entry point, <c>TorchRuntime.LoadOnFirstUse</c>,
/// which every assembly that calls TorchSharp runs from its module initializer (issue #16). A hand-written
/// <c>EnsureLoaded()</c> before some TorchSharp call is the old way: a missed one failed only on Debian 12 / Ubuntu 22.04.
/// </summary>
public sealed partial class NativeLoadingTests
{
    [Fact]
    public void Sources_UnderSrc_NeverLoadTheNativeRuntimeByHand()
    {
        var root = RepositoryPaths.Root();
        var separator = Path.DirectorySeparatorChar;
        var offenders = Directory.EnumerateFiles(Path.Combine(root, "src"), "*.cs", SearchOption.AllDirectories)
            .Where(p => !p.Contains($"{separator}bin{separator}", StringComparison.Ordinal) && !p.Contains($"{separator}obj{separator}", StringComparison.Ordinal))
            .Where(p => Path.GetFileName(p) != "TorchRuntime.cs")
            .SelectMany(p => File.ReadLines(p).Select((line, i) => (Path: p, Line: line, Number: i + 1)))
            .Where(l => EnsureLoadedCall().IsMatch(l.Line))
            .Select(l => $"{Path.GetRelativePath(root, l.Path)}:{l.Number}")
            .ToArray();

        Assert.True(offenders.Length == 0, "calls TorchRuntime.EnsureLoaded() by hand: " + string.Join(", ", offenders));
    }

    [Fact]
    public void Assemblies_ThatReferenceTorchSharp_EachRunTheEntryPointFromAModuleInitializer()
    {
        var root = RepositoryPaths.Root();
        var missing = Directory.GetDirectories(Path.Combine(root, "src"))
            .Where(project => Sources(project).Any(f => TorchSharpUsing().IsMatch(File.ReadAllText(f))))
            .Where(project => !Sources(project)
                .Any(f => File.ReadAllText(f) is var text && text.Contains("[ModuleInitializer]", StringComparison.Ordinal) && text.Contains("TorchRuntime.LoadOnFirstUse()", StringComparison.Ordinal)))
            .Select(Path.GetFileName)
            .ToArray();

        Assert.Empty(missing);
    }

    private static IEnumerable<string> Sources(string project)
    {
        var separator = Path.DirectorySeparatorChar;
        return Directory.EnumerateFiles(project, "*.cs", SearchOption.AllDirectories)
            .Where(p => !p.Contains($"{separator}bin{separator}", StringComparison.Ordinal) && !p.Contains($"{separator}obj{separator}", StringComparison.Ordinal));
    }

    [GeneratedRegex(@"^using (static )?TorchSharp", RegexOptions.Multiline)]
    private static partial Regex TorchSharpUsing();

    [GeneratedRegex(@"TorchRuntime\.EnsureLoaded\(\)")]
    private static partial Regex EnsureLoadedCall();
}
